import { randomUUID } from 'node:crypto';
import type { Database, SqlValue } from '../storage/database.js';
import type { Conversation, Message, MessageStatus, ModelRef, Usage } from '../protocol/entities.js';
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
}

const CONVERSATION_COLUMNS = `c.id, c.title, c.created_at, c.updated_at, c.provider_id, c.model,
  (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS message_count`;
const MESSAGE_COLUMNS = `id, conversation_id, idx, role, content, status, error_code, error_message,
  provider_id, model, input_tokens, output_tokens, cost_usd, created_at`;

function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    title: row.title,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    messageCount: row.message_count,
    modelRef: row.provider_id && row.model ? { providerId: row.provider_id, model: row.model } : null,
  };
}

function toMessage(row: MessageRow): Message {
  return {
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
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations c ORDER BY c.updated_at DESC, c.rowid DESC`,
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
    return { id, title, createdAt: now, updatedAt: now, messageCount: 0, modelRef: null };
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
  ): Promise<{ total: number; messages: Message[] }> {
    const conversation = await this.get(conversationId);
    const rows = await this.db.all<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND idx >= ? ORDER BY idx LIMIT ?`,
      [conversationId, offset, limit],
    );
    return { total: conversation.messageCount, messages: rows.map(toMessage) };
  }

  /** The last `limit` finished messages, oldest first: what the model sees of the past. */
  async history(conversationId: string, beforeIndex: number, limit: number): Promise<Message[]> {
    const rows = await this.db.all<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages
       WHERE conversation_id = ? AND idx < ? AND content <> '' AND status IN ('complete', 'stopped', 'interrupted')
       ORDER BY idx DESC LIMIT ?`,
      [conversationId, beforeIndex, limit],
    );
    return rows.reverse().map(toMessage);
  }

  async message(id: string): Promise<Message> {
    const row = await this.db.get<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`, [id]);
    if (!row) throw new Cell0Error('NOT_FOUND', 'That message no longer exists.');
    return toMessage(row);
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
      };
      const assistant: MessageRow = {
        ...user,
        id: randomUUID(),
        idx: idx + 1,
        role: 'assistant',
        content: '',
        status: 'streaming',
        provider_id: modelRef.providerId,
        model: modelRef.model,
      };
      const insert = `INSERT INTO messages
        (id, conversation_id, idx, role, content, status, provider_id, model, client_id, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
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
      ]);
      await this.db.run('UPDATE conversations SET updated_at = ? WHERE id = ?', [now, conversationId]);
      return { user, assistant };
    });
    return { userMessage: toMessage(result.user), assistantMessage: toMessage(result.assistant) };
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
    return { userMessage: toMessage(user), assistantMessage: toMessage(reply) };
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

  async touch(id: string): Promise<void> {
    await this.db.transaction(() =>
      this.db.run('UPDATE conversations SET updated_at = ? WHERE id = ?', [this.now(), id]),
    );
  }
}
