import type { Database } from './database.js';

/**
 * Numbered, append-only migrations. Never edit a shipped one: add the next number.
 * PRAGMA user_version records how far a database has come.
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'conversations and messages',
    sql: `
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX conversations_updated ON conversations(updated_at DESC);

      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        content TEXT NOT NULL,
        status TEXT NOT NULL,
        error_code TEXT,
        error_message TEXT,
        model TEXT,
        client_id TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (conversation_id, idx)
      );
      CREATE UNIQUE INDEX messages_client_id ON messages(conversation_id, client_id) WHERE client_id IS NOT NULL;
    `,
  },
  {
    version: 2,
    name: 'models per conversation, usage per message, instance identity',
    sql: `
      ALTER TABLE conversations ADD COLUMN provider_id TEXT;
      ALTER TABLE conversations ADD COLUMN model TEXT;
      ALTER TABLE messages ADD COLUMN provider_id TEXT;
      ALTER TABLE messages ADD COLUMN input_tokens INTEGER;
      ALTER TABLE messages ADD COLUMN output_tokens INTEGER;
      ALTER TABLE messages ADD COLUMN cost_usd REAL;

      -- Public halves only: private keys live in the OS keychain under keychain_account.
      CREATE TABLE identity_keys (
        public_key TEXT PRIMARY KEY,
        keychain_account TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        retired_at INTEGER
      );
      CREATE UNIQUE INDEX identity_keys_current ON identity_keys((retired_at IS NULL)) WHERE retired_at IS NULL;

      -- Signed cell0.key-rotation records, oldest first: the chain from the first key to the current one.
      CREATE TABLE identity_rotations (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        record TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'kernel: tool calls, permission rules, audit chain',
    sql: `
      CREATE TABLE tool_calls (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        message_id TEXT NOT NULL,
        tool TEXT NOT NULL,
        args TEXT NOT NULL,
        summary TEXT NOT NULL,
        status TEXT NOT NULL,
        output TEXT NOT NULL DEFAULT '',
        exit_code INTEGER,
        limit_kind TEXT,
        error_code TEXT,
        error_message TEXT,
        sandboxed INTEGER NOT NULL,
        network INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER
      );
      CREATE INDEX tool_calls_conversation ON tool_calls(conversation_id, started_at);

      -- Standing rules the owner made ("always allow" / "always deny"), each signed by the instance key.
      CREATE TABLE permission_rules (
        id TEXT PRIMARY KEY,
        tool TEXT NOT NULL,
        pattern TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('allow', 'deny')),
        created_at INTEGER NOT NULL,
        public_key TEXT NOT NULL,
        signature TEXT NOT NULL
      );

      -- Append-only, hash-chained, signed. Never updated or deleted by the app.
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        time INTEGER NOT NULL,
        actor TEXT NOT NULL,
        kind TEXT NOT NULL,
        tool TEXT,
        args_digest TEXT,
        outcome TEXT NOT NULL,
        conversation_id TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        signature TEXT NOT NULL,
        public_key TEXT NOT NULL
      );
      CREATE INDEX audit_log_conversation ON audit_log(conversation_id, seq);
    `,
  },
  {
    version: 4,
    name: 'memory: message search, memories, vectors, daemon state',
    sql: `
      -- Full-text index over every message, kept in step by triggers.
      CREATE VIRTUAL TABLE messages_fts USING fts5(
        content, content='messages', content_rowid='rowid', tokenize='porter unicode61'
      );
      INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
        INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
      END;

      CREATE TABLE memories (
        id TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        kind TEXT NOT NULL,
        importance REAL NOT NULL DEFAULT 0.5,
        pinned INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'active',
        event_date TEXT,
        sources TEXT NOT NULL DEFAULT '[]',
        created_by TEXT NOT NULL,
        superseded_by TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        last_used_at INTEGER
      );
      CREATE INDEX memories_status ON memories(status, pinned);
      CREATE VIRTUAL TABLE memories_fts USING fts5(
        text, content='memories', content_rowid='rowid', tokenize='porter unicode61'
      );
      CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
        INSERT INTO memories_fts(rowid, text) VALUES (new.rowid, new.text);
      END;
      CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
        INSERT INTO memories_fts(memories_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
      END;
      CREATE TRIGGER memories_fts_update AFTER UPDATE OF text ON memories BEGIN
        INSERT INTO memories_fts(memories_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
        INSERT INTO memories_fts(rowid, text) VALUES (new.rowid, new.text);
      END;

      -- Embeddings of memories and messages, per embedder (swapping embedders re-indexes in the background).
      CREATE TABLE vectors (
        owner_kind TEXT NOT NULL CHECK (owner_kind IN ('memory', 'message')),
        owner_rowid INTEGER NOT NULL,
        embedder TEXT NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (owner_kind, owner_rowid, embedder)
      );

      CREATE TABLE message_memories (
        message_id TEXT NOT NULL,
        memory_id TEXT NOT NULL,
        score REAL NOT NULL,
        why TEXT NOT NULL,
        PRIMARY KEY (message_id, memory_id)
      );

      CREATE TABLE conversation_summaries (
        conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
        upto_index INTEGER NOT NULL,
        summary TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );

      -- The daemon's cursors, spend per day and current task: what lets it resume after a crash.
      CREATE TABLE memory_daemon_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    version: 5,
    name: 'memory: index event dates for "when" questions',
    sql: `CREATE INDEX memories_event_date ON memories(event_date) WHERE event_date IS NOT NULL;`,
  },
  {
    version: 6,
    name: 'swarms: runs, their agents and every event (for replay)',
    sql: `
      CREATE TABLE swarm_runs (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        message_id TEXT NOT NULL,
        status TEXT NOT NULL,
        data TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX swarm_runs_conversation ON swarm_runs(conversation_id, created_at);
      CREATE TABLE swarm_agents (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES swarm_runs(id) ON DELETE CASCADE,
        data TEXT NOT NULL
      );
      CREATE INDEX swarm_agents_run ON swarm_agents(run_id);
      CREATE TABLE swarm_events (
        run_id TEXT NOT NULL REFERENCES swarm_runs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    name: 'memory daemon: conversations whose reading failed, retried later or skipped',
    sql: `
      CREATE TABLE memory_daemon_failures (
        conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
        task TEXT NOT NULL CHECK (task IN ('extract', 'summarise')),
        attempts INTEGER NOT NULL,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        failed_at INTEGER NOT NULL,
        retry_at INTEGER,
        skipped INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 8,
    name: 'channels: accounts, senders, pairings, chats, inbound and outbound messages, sessions',
    sql: `
      CREATE TABLE channels (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        config TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE channel_senders (
        channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        sender_id TEXT NOT NULL,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('owner', 'allowed')),
        added_at INTEGER NOT NULL,
        PRIMARY KEY (channel_id, sender_id)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX channel_senders_owner ON channel_senders(channel_id) WHERE role = 'owner';
      CREATE TABLE channel_pairings (
        code TEXT PRIMARY KEY,
        channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        sender_id TEXT NOT NULL,
        sender_name TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        UNIQUE (channel_id, sender_id)
      );
      CREATE TABLE channel_chats (
        channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        chat_id TEXT NOT NULL,
        chat_type TEXT NOT NULL,
        title TEXT NOT NULL,
        conversation_id TEXT NOT NULL UNIQUE REFERENCES conversations(id) ON DELETE CASCADE,
        PRIMARY KEY (channel_id, chat_id)
      );
      -- Every inbound message once, by the platform's own id: a redelivery finds its row and stops.
      CREATE TABLE channel_inbound (
        channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        platform_id TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        sender_id TEXT NOT NULL,
        status TEXT NOT NULL,
        payload TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (channel_id, platform_id)
      ) WITHOUT ROWID;
      CREATE INDEX channel_inbound_pending ON channel_inbound(status) WHERE status = 'received';
      -- Every outbound message by its idempotency key: a retry or a restart never sends one twice.
      CREATE TABLE channel_outbound (
        key TEXT PRIMARY KEY,
        channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        chat_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('text', 'file')),
        body TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        platform_message_id TEXT,
        created_at INTEGER NOT NULL,
        sent_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX channel_outbound_pending ON channel_outbound(channel_id, created_at) WHERE status = 'pending';
      -- A WhatsApp session (Baileys' credentials and keys), AES-GCM encrypted with a key in the keychain.
      CREATE TABLE channel_sessions (
        channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (channel_id, name)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 9,
    name: 'kernel: when a tool call started running (its duration excludes the permission wait)',
    sql: `ALTER TABLE tool_calls ADD COLUMN running_since INTEGER;`,
  },
  {
    version: 10,
    name: 'kernel: tool calls of hosted tools (run in Cell 0 itself under the same law)',
    sql: `ALTER TABLE tool_calls ADD COLUMN hosted INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 11,
    name: "mesh: the owner's paired peers, their pinned keys, and keys revoked or rotated away",
    sql: `
      CREATE TABLE mesh_peers (
        public_key TEXT PRIMARY KEY,
        peer_id TEXT NOT NULL,
        name TEXT,
        state TEXT NOT NULL CHECK (state IN ('paired', 'revoked')),
        addresses TEXT NOT NULL,
        via TEXT NOT NULL,
        paired_at INTEGER,
        revoked_at INTEGER,
        last_seen INTEGER,
        capabilities TEXT,
        replaced_by TEXT
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 12,
    name: 'automations: webhooks, scheduled jobs, their runs, and the delivery ids already seen',
    sql: `
      CREATE TABLE automation_hooks (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        prompt TEXT NOT NULL,
        conversation_id TEXT,
        auth TEXT NOT NULL CHECK (auth IN ('hmac', 'bearer')),
        tools TEXT NOT NULL CHECK (tools IN ('ask', 'off')),
        budget TEXT NOT NULL,
        rate_per_minute INTEGER NOT NULL,
        max_body_bytes INTEGER NOT NULL,
        paused INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE automation_jobs (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        prompt TEXT NOT NULL,
        trigger TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        missed TEXT NOT NULL CHECK (missed IN ('skip', 'run-once')),
        tools TEXT NOT NULL CHECK (tools IN ('ask', 'off')),
        budget TEXT NOT NULL,
        paused INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        -- The last time the schedule was looked at and acted on: runs due after it are missed or next.
        checked_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE automation_runs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('hook', 'job')),
        automation_id TEXT NOT NULL,
        name TEXT NOT NULL,
        trigger TEXT NOT NULL,
        delivery_id TEXT,
        conversation_id TEXT,
        message_id TEXT,
        status TEXT NOT NULL,
        error TEXT,
        queued_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX automation_runs_by_automation ON automation_runs(automation_id, queued_at);
      CREATE TABLE hook_deliveries (
        hook_id TEXT NOT NULL,
        delivery_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (hook_id, delivery_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 13,
    name: 'gateway: paired devices (other programs) with their public keys and scoped tokens',
    sql: `
      CREATE TABLE paired_devices (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        public_key TEXT NOT NULL,
        scope TEXT NOT NULL CHECK (scope IN ('read-only', 'chat', 'full')),
        state TEXT NOT NULL CHECK (state IN ('pending', 'paired', 'revoked')),
        code TEXT NOT NULL,
        -- SHA-256 of the token: the token itself is handed to the device once and kept nowhere here.
        token_hash TEXT,
        created_at INTEGER NOT NULL,
        approved_at INTEGER,
        last_seen INTEGER,
        revoked_at INTEGER
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX paired_devices_token ON paired_devices(token_hash) WHERE token_hash IS NOT NULL;
    `,
  },
  {
    version: 14,
    name: 'conversations: branches (earlier versions of a reply, the old continuation of an edited message)',
    sql: `
      -- A branch is a stretch of a conversation set aside: the messages from fork_idx on, as they
      -- were before a regenerate, an edit or a switch to another version. parent_id NULL: an
      -- alternative of the live path at fork_idx; else an alternative inside that set-aside branch.
      CREATE TABLE message_branches (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        parent_id TEXT REFERENCES message_branches(id) ON DELETE CASCADE,
        fork_idx INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX message_branches_fork ON message_branches(conversation_id, parent_id, fork_idx);
      CREATE INDEX message_branches_parent ON message_branches(parent_id);

      -- The set-aside messages, with their ids kept, so tool calls and used memories still find them.
      CREATE TABLE branch_messages (
        id TEXT PRIMARY KEY,
        branch_id TEXT NOT NULL REFERENCES message_branches(id) ON DELETE CASCADE,
        conversation_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        role TEXT NOT NULL,
        content TEXT NOT NULL,
        status TEXT NOT NULL,
        error_code TEXT,
        error_message TEXT,
        provider_id TEXT,
        model TEXT,
        client_id TEXT,
        input_tokens INTEGER,
        output_tokens INTEGER,
        cost_usd REAL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX branch_messages_branch ON branch_messages(branch_id, idx);
    `,
  },
  {
    version: 15,
    name: 'conversations: pinned, archived, per-conversation settings; attachments of a message',
    sql: `
      ALTER TABLE conversations ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE conversations ADD COLUMN archived_at INTEGER;
      ALTER TABLE conversations ADD COLUMN settings TEXT;
      ALTER TABLE messages ADD COLUMN attachments TEXT;
      ALTER TABLE branch_messages ADD COLUMN attachments TEXT;
    `,
  },
];

export async function migrate(db: Database): Promise<number> {
  const row = await db.get<{ user_version: number }>('PRAGMA user_version');
  let current = row?.user_version ?? 0;
  const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
  if (current > latest) {
    throw new Error(
      `The data directory was written by a newer Cell 0 (schema ${current}, this build knows ${latest}). Update Cell 0.`,
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    await db.transaction(async () => {
      await db.exec(m.sql);
      await db.exec(`PRAGMA user_version = ${m.version}`);
    });
    current = m.version;
  }
  return current;
}
