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
