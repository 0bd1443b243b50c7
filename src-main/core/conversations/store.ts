import { randomUUID } from 'node:crypto';
import type { Database, SqlValue } from '../storage/database.js';
import type {
  Attachment,
  Conversation,
  ConversationSettings,
  Message,
  MessageStatus,
  ModelRef,
  Usage,
} from '../protocol/entities.js';
import { DEFAULT_CONVERSATION_SETTINGS, conversationSettingsSchema } from '../protocol/entities.js';
import type { ErrorShape } from '../protocol/errors.js';
import { Cell0Error } from '../protocol/errors.js';

interface ConversationRow {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
  message_count: number;
  provider_id: string | null;
  model: string | null;
  pinned: number;
  archived_at: number | null;
  settings: string | null;
}

interface MessageRow {
  id: string;
  conversation_id: string;
  idx: number;
  role: 'user' | 'assistant';
  content: string;
  status: MessageStatus;
  error_code: string | null;
  error_message: string | null;
  provider_id: string | null;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  created_at: number;
  attachments: string | null;
}

/** The versions of each forked position of the live path: fork index -> the other versions' creation times. */
type Forks = Map<number, { id: string; createdAt: number }[]>;

const CONVERSATION_COLUMNS = `c.id, c.title, c.created_at, c.updated_at, c.provider_id, c.model,
  c.pinned, c.archived_at, c.settings,
  (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS message_count`;
const MESSAGE_COLUMNS = `id, conversation_id, idx, role, content, status, error_code, error_message,
  provider_id, model, input_tokens, output_tokens, cost_usd, created_at, attachments`;
/** Every stored column of a message: what moves between the live path and a set-aside branch. */
const STORED_COLUMNS = `id, conversation_id, idx, role, content, status, error_code, error_message, provider_id,
  model, client_id, input_tokens, output_tokens, cost_usd, created_at, updated_at, attachments`;

function parseSettings(raw: string | null): ConversationSettings {
  if (!raw) return { ...DEFAULT_CONVERSATION_SETTINGS };
  try {
    const parsed = conversationSettingsSchema.partial().safeParse(JSON.parse(raw));
    return { ...DEFAULT_CONVERSATION_SETTINGS, ...(parsed.success ? parsed.data : {}) };
  } catch {
    return { ...DEFAULT_CONVERSATION_SETTINGS };
  }
}

function parseAttachments(raw: string | null): Attachment[] | undefined {
  if (!raw) return undefined;
  try {
    const list = JSON.parse(raw) as Attachment[];
    return Array.isArray(list) && list.length > 0 ? list : undefined;
  } catch {
    return undefined;
  }
}

function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    title: row.title,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    messageCount: row.message_count,
    modelRef: row.provider_id && row.model ? { providerId: row.provider_id, model: row.model } : null,
    pinned: row.pinned === 1,
    archived: row.archived_at !== null,
    settings: parseSettings(row.settings),
    ...(chosenWorkspace(row.settings) ? { workspace: chosenWorkspace(row.settings)! } : {}),
  };
}

/** The workspace folder the owner chose, kept in the settings JSON beside the reply settings. */
function chosenWorkspace(raw: string | null): string | null {
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as { workspace?: unknown };
    return typeof parsed.workspace === 'string' && parsed.workspace !== '' ? parsed.workspace : null;
  } catch {
    return null;
  }
}

function toMessage(row: MessageRow, forks?: Forks): Message {
  const attachments = parseAttachments(row.attachments);
  const others = forks?.get(row.idx);
  let versions: Message['versions'];
  if (others && others.length > 0) {
    const all = [...others, { id: row.id, createdAt: row.created_at }].sort(
      (a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id),
    );
    versions = { current: all.findIndex((v) => v.id === row.id) + 1, total: all.length };
  }
  return {
    ...(attachments ? { attachments } : {}),
    ...(versions ? { versions } : {}),
    id: row.id,
    conversationId: row.conversation_id,
    index: row.idx,
    role: row.role,
    content: row.content,
    status: row.status,
    error: row.error_code ? ({ code: row.error_code, message: row.error_message ?? '' } as ErrorShape) : null,
    providerId: row.provider_id,
    model: row.model,
    usage:
      row.input_tokens === null && row.output_tokens === null && row.cost_usd === null
        ? null
        : { inputTokens: row.input_tokens, outputTokens: row.output_tokens, costUsd: row.cost_usd },
    createdAt: row.created_at,
  };
}

export const DEFAULT_TITLE = 'New chat';

/** Conversations and their messages in SQLite: the one place that writes them. */
export class ConversationStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  async list(): Promise<Conversation[]> {
    const rows = await this.db.all<ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations c ORDER BY c.pinned DESC, c.updated_at DESC, c.rowid DESC`,
    );
    return rows.map(toConversation);
  }

  async get(id: string): Promise<Conversation> {
    const row = await this.db.get<ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = ?`,
      [id],
    );
    if (!row) throw new Cell0Error('NOT_FOUND', 'That conversation no longer exists.');
    return toConversation(row);
  }

  async create(title = DEFAULT_TITLE): Promise<Conversation> {
    const id = randomUUID();
    const now = this.now();
    await this.db.transaction(() =>
      this.db.run('INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)', [
        id,
        title,
        now,
        now,
      ]),
    );
    return {
      id,
      title,
      createdAt: now,
      updatedAt: now,
      messageCount: 0,
      modelRef: null,
      pinned: false,
      archived: false,
      settings: { ...DEFAULT_CONVERSATION_SETTINGS },
    };
  }

  /** Switches the model later replies come from; null follows the app's default again. */
  async setModel(id: string, modelRef: ModelRef | null): Promise<Conversation> {
    const { changes } = await this.db.transaction(() =>
      this.db.run('UPDATE conversations SET provider_id = ?, model = ? WHERE id = ?', [
        modelRef?.providerId ?? null,
        modelRef?.model ?? null,
        id,
      ]),
    );
    if (changes === 0) throw new Cell0Error('NOT_FOUND', 'That conversation no longer exists.');
    return this.get(id);
  }

  async rename(id: string, title: string): Promise<Conversation> {
    const { changes } = await this.db.transaction(() =>
      this.db.run('UPDATE conversations SET title = ? WHERE id = ?', [title, id]),
    );
    if (changes === 0) throw new Cell0Error('NOT_FOUND', 'That conversation no longer exists.');
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    const { changes } = await this.db.transaction(() =>
      this.db.run('DELETE FROM conversations WHERE id = ?', [id]),
    );
    if (changes === 0) throw new Cell0Error('NOT_FOUND', 'That conversation no longer exists.');
  }

  async page(
    conversationId: string,
    offset: number,
    limit: number,
    /** The last `limit` messages, whatever the offset. */
    last = false,
  ): Promise<{ total: number; messages: Message[] }> {
    const conversation = await this.get(conversationId);
    const from = last ? Math.max(0, conversation.messageCount - limit) : offset;
    const rows = await this.db.all<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND idx >= ? ORDER BY idx LIMIT ?`,
      [conversationId, from, limit],
    );
    const forks = await this.forks(conversationId);
    return { total: conversation.messageCount, messages: rows.map((r) => toMessage(r, forks)) };
  }

  /** The last `limit` finished messages, oldest first: what the model sees of the past. */
  async history(conversationId: string, beforeIndex: number, limit: number): Promise<Message[]> {
    const rows = await this.db.all<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages
       WHERE conversation_id = ? AND idx < ? AND content <> '' AND status IN ('complete', 'stopped', 'interrupted')
       ORDER BY idx DESC LIMIT ?`,
      [conversationId, beforeIndex, limit],
    );
    return rows.reverse().map((r) => toMessage(r));
  }

  async message(id: string): Promise<Message> {
    const row = await this.db.get<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`, [id]);
    if (!row) throw new Cell0Error('NOT_FOUND', 'That message no longer exists.');
    return toMessage(row, await this.forks(row.conversation_id));
  }

  /**
   * Stores the owner's message and an empty assistant reply in one transaction, so once the
   * caller hears back, the message is on disk. The clientId is unique per conversation.
   */
  async appendExchange(
    conversationId: string,
    text: string,
    clientId: string,
    modelRef: ModelRef,
    attachments: Attachment[] = [],
  ): Promise<{ userMessage: Message; assistantMessage: Message }> {
    const result = await this.db.transaction(async () => {
      const conv = await this.db.get<{ id: string }>('SELECT id FROM conversations WHERE id = ?', [
        conversationId,
      ]);
      if (!conv) throw new Cell0Error('NOT_FOUND', 'That conversation no longer exists.');
      const next = await this.db.get<{ n: number }>(
        'SELECT COALESCE(MAX(idx) + 1, 0) AS n FROM messages WHERE conversation_id = ?',
        [conversationId],
      );
      const idx = next?.n ?? 0;
      const now = this.now();
      const user: MessageRow = {
        id: randomUUID(),
        conversation_id: conversationId,
        idx,
        role: 'user',
        content: text,
        status: 'complete',
        error_code: null,
        error_message: null,
        provider_id: null,
        model: null,
        input_tokens: null,
        output_tokens: null,
        cost_usd: null,
        created_at: now,
        // The extracted text is read again from the workspace when needed: pages stay small.
        attachments:
          attachments.length > 0 ? JSON.stringify(attachments.map(({ text: _text, ...a }) => a)) : null,
      };
      const assistant: MessageRow = {
        ...user,
        attachments: null,
        id: randomUUID(),
        idx: idx + 1,
        role: 'assistant',
        content: '',
        status: 'streaming',
        provider_id: modelRef.providerId,
        model: modelRef.model,
      };
      const insert = `INSERT INTO messages
        (id, conversation_id, idx, role, content, status, provider_id, model, client_id, created_at, updated_at,
         attachments)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
      await this.db.run(insert, [
        user.id,
        conversationId,
        idx,
        'user',
        text,
        'complete',
        null,
        null,
        clientId,
        now,
        now,
        user.attachments,
      ]);
      await this.db.run(insert, [
        assistant.id,
        conversationId,
        idx + 1,
        'assistant',
        '',
        'streaming',
        modelRef.providerId,
        modelRef.model,
        null,
        now,
        now,
        null,
      ]);
      await this.db.run('UPDATE conversations SET updated_at = ? WHERE id = ?', [now, conversationId]);
      return { user, assistant };
    });
    const forks = await this.forks(conversationId);
    return {
      userMessage: toMessage(result.user, forks),
      assistantMessage: toMessage(result.assistant, forks),
    };
  }

  /** The stored exchange for an idempotency key, if that message was already sent. */
  async findExchange(
    conversationId: string,
    clientId: string,
  ): Promise<{ userMessage: Message; assistantMessage: Message } | null> {
    const user = await this.db.get<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND client_id = ?`,
      [conversationId, clientId],
    );
    if (!user) return null;
    const reply = await this.db.get<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND idx = ?`,
      [conversationId, user.idx + 1],
    );
    if (!reply) return null;
    const forks = await this.forks(conversationId);
    return { userMessage: toMessage(user, forks), assistantMessage: toMessage(reply, forks) };
  }

  /** Saves a reply's text so far (and its final state and usage, when given). */
  async updateReply(
    id: string,
    content: string,
    status: MessageStatus,
    error: ErrorShape | null = null,
    usage: Usage | null = null,
  ): Promise<void> {
    const params: SqlValue[] = [
      content,
      status,
      error?.code ?? null,
      error?.message ?? null,
      usage?.inputTokens ?? null,
      usage?.outputTokens ?? null,
      usage?.costUsd ?? null,
      this.now(),
      id,
    ];
    await this.db.transaction(() =>
      this.db.run(
        `UPDATE messages SET content = ?, status = ?, error_code = ?, error_message = ?,
           input_tokens = ?, output_tokens = ?, cost_usd = ?, updated_at = ? WHERE id = ?`,
        params,
      ),
    );
  }

  /** Replies that were streaming when the process died keep their text and say so. */
  async markInterrupted(): Promise<number> {
    const { changes } = await this.db.transaction(() =>
      this.db.run("UPDATE messages SET status = 'interrupted' WHERE status = 'streaming'"),
    );
    return changes;
  }

  async setPinned(id: string, pinned: boolean): Promise<Conversation> {
    const { changes } = await this.db.transaction(() =>
      this.db.run('UPDATE conversations SET pinned = ? WHERE id = ?', [pinned ? 1 : 0, id]),
    );
    if (changes === 0) throw new Cell0Error('NOT_FOUND', 'That conversation no longer exists.');
    return this.get(id);
  }

  async setArchived(id: string, archived: boolean): Promise<Conversation> {
    const { changes } = await this.db.transaction(() =>
      this.db.run('UPDATE conversations SET archived_at = ? WHERE id = ?', [
        archived ? this.now() : null,
        id,
      ]),
    );
    if (changes === 0) throw new Cell0Error('NOT_FOUND', 'That conversation no longer exists.');
    return this.get(id);
  }

  /** Changes only the given settings; the rest keep their values. */
  async configure(id: string, changes: Partial<ConversationSettings>): Promise<Conversation> {
    await this.db.transaction(async () => {
      const current = await this.get(id);
      const next = {
        ...current.settings,
        ...changes,
        ...(current.workspace ? { workspace: current.workspace } : {}),
      };
      await this.db.run('UPDATE conversations SET settings = ? WHERE id = ?', [JSON.stringify(next), id]);
    });
    return this.get(id);
  }

  /** Sets (a real path, already checked by the kernel) or clears (null) the chosen workspace folder. */
  async setWorkspace(id: string, workspace: string | null): Promise<Conversation> {
    await this.db.transaction(async () => {
      const current = await this.get(id);
      const next: Record<string, unknown> = { ...current.settings };
      if (workspace !== null) next.workspace = workspace;
      await this.db.run('UPDATE conversations SET settings = ? WHERE id = ?', [JSON.stringify(next), id]);
    });
    return this.get(id);
  }

  /** The chosen workspace folder, or null for the default one (also for an unknown conversation). */
  async workspaceOf(id: string): Promise<string | null> {
    const row = await this.db.get<{ settings: string | null }>(
      'SELECT settings FROM conversations WHERE id = ?',
      [id],
    );
    return row ? chosenWorkspace(row.settings) : null;
  }

  /** The set-aside alternatives of the live path, by the position they fork at. */
  private async forks(conversationId: string): Promise<Forks> {
    const rows = await this.db.all<{ id: string; fork_idx: number; created_at: number }>(
      `SELECT id, fork_idx, created_at FROM message_branches
       WHERE conversation_id = ? AND parent_id IS NULL`,
      [conversationId],
    );
    const forks: Forks = new Map();
    for (const r of rows) {
      const list = forks.get(r.fork_idx) ?? [];
      list.push({ id: r.id, createdAt: r.created_at });
      forks.set(r.fork_idx, list);
    }
    return forks;
  }

  /**
   * Sets the live messages from `fromIndex` on aside as a new branch (call inside a transaction).
   * The alternatives forking later on the live path belong to what was set aside, so they move
   * under it: restoring the branch brings them back.
   */
  private async setAside(conversationId: string, fromIndex: number): Promise<string | null> {
    const first = await this.db.get<{ created_at: number }>(
      'SELECT created_at FROM messages WHERE conversation_id = ? AND idx = ?',
      [conversationId, fromIndex],
    );
    if (!first) return null;
    const branchId = randomUUID();
    await this.db.run(
      'INSERT INTO message_branches (id, conversation_id, parent_id, fork_idx, created_at) VALUES (?, ?, NULL, ?, ?)',
      [branchId, conversationId, fromIndex, first.created_at],
    );
    await this.db.run(
      `UPDATE message_branches SET parent_id = ?
       WHERE conversation_id = ? AND parent_id IS NULL AND fork_idx > ? AND id <> ?`,
      [branchId, conversationId, fromIndex, branchId],
    );
    await this.db.run(
      `INSERT INTO branch_messages (branch_id, ${STORED_COLUMNS})
       SELECT ?, ${STORED_COLUMNS} FROM messages WHERE conversation_id = ? AND idx >= ?`,
      [branchId, conversationId, fromIndex],
    );
    await this.db.run('DELETE FROM messages WHERE conversation_id = ? AND idx >= ?', [
      conversationId,
      fromIndex,
    ]);
    return branchId;
  }

  /** Puts a set-aside branch back on the live path (whose tail from its fork must be empty). */
  private async restore(branchId: string): Promise<void> {
    await this.db.run(
      `INSERT INTO messages (${STORED_COLUMNS})
       SELECT ${STORED_COLUMNS} FROM branch_messages WHERE branch_id = ? ORDER BY idx`,
      [branchId],
    );
    await this.db.run('UPDATE message_branches SET parent_id = NULL WHERE parent_id = ?', [branchId]);
    await this.db.run('DELETE FROM message_branches WHERE id = ?', [branchId]);
  }

  /**
   * Starts a new version at `index`: the live messages from there on are set aside (reachable as an
   * earlier version), and a new streaming reply takes the position. Only for an assistant message.
   */
  async regenerateAt(messageId: string, modelRef: ModelRef): Promise<Message> {
    const target = await this.message(messageId);
    if (target.role !== 'assistant') {
      throw new Cell0Error(
        'BAD_PARAMS',
        'Only a reply of Cell 0 can be written again; edit your message instead.',
      );
    }
    if (target.status === 'streaming') {
      throw new Cell0Error('BUSY', 'This reply is still being written. Stop it first.');
    }
    const id = randomUUID();
    await this.db.transaction(async () => {
      await this.setAside(target.conversationId, target.index);
      const now = this.now();
      await this.db.run(
        `INSERT INTO messages (id, conversation_id, idx, role, content, status, provider_id, model, created_at, updated_at)
         VALUES (?, ?, ?, 'assistant', '', 'streaming', ?, ?, ?, ?)`,
        [id, target.conversationId, target.index, modelRef.providerId, modelRef.model, now, now],
      );
      await this.db.run('UPDATE conversations SET updated_at = ? WHERE id = ?', [now, target.conversationId]);
    });
    return this.message(id);
  }

  /**
   * Replaces an owner's message with new text and a streaming reply to it: a branch. The old message
   * and everything after it become the other version of that position.
   */
  async editAt(
    messageId: string,
    text: string,
    clientId: string,
    modelRef: ModelRef,
    attachments: Attachment[] = [],
  ): Promise<{ userMessage: Message; assistantMessage: Message }> {
    const target = await this.message(messageId);
    if (target.role !== 'user') {
      throw new Cell0Error('BAD_PARAMS', 'Only your own messages can be edited; regenerate a reply instead.');
    }
    return this.db.transaction(async () => {
      await this.setAside(target.conversationId, target.index);
      return this.appendExchange(target.conversationId, text, clientId, modelRef, attachments);
    });
  }

  /** Shows version `version` (1-based) at `index`; the version shown until now is set aside. */
  async switchVersion(conversationId: string, index: number, version: number): Promise<number> {
    await this.db.transaction(async () => {
      const live = await this.db.get<{ id: string; created_at: number; status: string }>(
        'SELECT id, created_at, status FROM messages WHERE conversation_id = ? AND idx = ?',
        [conversationId, index],
      );
      if (!live) throw new Cell0Error('NOT_FOUND', 'That message no longer exists.');
      const streaming = await this.db.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ? AND idx >= ? AND status = 'streaming'",
        [conversationId, index],
      );
      if ((streaming?.n ?? 0) > 0) {
        throw new Cell0Error(
          'BUSY',
          'A reply is still being written here. Stop it before switching versions.',
        );
      }
      const others = (await this.forks(conversationId)).get(index) ?? [];
      const all = [...others, { id: live.id, createdAt: live.created_at }].sort(
        (a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id),
      );
      const wanted = all[version - 1];
      if (!wanted) {
        throw new Cell0Error(
          'BAD_PARAMS',
          `There are ${all.length} versions here; version ${version} does not exist.`,
        );
      }
      if (wanted.id === live.id) return;
      await this.setAside(conversationId, index);
      await this.restore(wanted.id);
    });
    return (await this.get(conversationId)).messageCount;
  }

  /**
   * Deletes one message (later ones move up a place) or it and everything after it. Other versions
   * forking at a deleted position go with it; versions forking later move up with their messages.
   */
  async deleteMessages(
    messageId: string,
    scope: 'message' | 'rest',
  ): Promise<{ deleted: number; total: number }> {
    const target = await this.message(messageId);
    const { conversationId, index } = target;
    const deleted = await this.db.transaction(async () => {
      if (scope === 'rest') {
        await this.db.run(
          'DELETE FROM message_branches WHERE conversation_id = ? AND parent_id IS NULL AND fork_idx >= ?',
          [conversationId, index],
        );
        const { changes } = await this.db.run('DELETE FROM messages WHERE conversation_id = ? AND idx >= ?', [
          conversationId,
          index,
        ]);
        return changes;
      }
      await this.db.run(
        'DELETE FROM message_branches WHERE conversation_id = ? AND parent_id IS NULL AND fork_idx = ?',
        [conversationId, index],
      );
      await this.db.run('DELETE FROM messages WHERE id = ?', [messageId]);
      // Two steps, since (conversation_id, idx) is unique and SQLite checks it row by row.
      await this.db.run('UPDATE messages SET idx = -idx WHERE conversation_id = ? AND idx > ?', [
        conversationId,
        index,
      ]);
      await this.db.run('UPDATE messages SET idx = -idx - 1 WHERE conversation_id = ? AND idx < 0', [
        conversationId,
      ]);
      // Branches forking later (and every branch inside them) hold positions after the deleted one.
      const later = `WITH RECURSIVE tree(id) AS (
          SELECT id FROM message_branches WHERE conversation_id = ? AND parent_id IS NULL AND fork_idx > ?
          UNION ALL SELECT b.id FROM message_branches b JOIN tree t ON b.parent_id = t.id)`;
      await this.db.run(
        `${later} UPDATE branch_messages SET idx = idx - 1 WHERE branch_id IN (SELECT id FROM tree)`,
        [conversationId, index],
      );
      await this.db.run(
        `${later} UPDATE message_branches SET fork_idx = fork_idx - 1 WHERE id IN (SELECT id FROM tree)`,
        [conversationId, index],
      );
      return 1;
    });
    await this.touch(conversationId);
    return { deleted, total: (await this.get(conversationId)).messageCount };
  }

  /** Every message of the conversation, set-aside versions included (for exports). */
  async branches(
    conversationId: string,
  ): Promise<{ id: string; parentId: string | null; forkIndex: number; messages: Message[] }[]> {
    const branches = await this.db.all<{ id: string; parent_id: string | null; fork_idx: number }>(
      'SELECT id, parent_id, fork_idx FROM message_branches WHERE conversation_id = ? ORDER BY created_at, id',
      [conversationId],
    );
    const out = [];
    for (const b of branches) {
      const rows = await this.db.all<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM branch_messages WHERE branch_id = ? ORDER BY idx`,
        [b.id],
      );
      out.push({
        id: b.id,
        parentId: b.parent_id,
        forkIndex: b.fork_idx,
        messages: rows.map((r) => toMessage(r)),
      });
    }
    return out;
  }

  async touch(id: string): Promise<void> {
    await this.db.transaction(() =>
      this.db.run('UPDATE conversations SET updated_at = ? WHERE id = ?', [this.now(), id]),
    );
  }
}
