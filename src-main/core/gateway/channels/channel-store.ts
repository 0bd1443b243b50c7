import { z } from 'zod';
import type { ChannelChat, ChannelKind, ChannelSender } from '../../protocol/channel-entities.js';
import { CHANNEL_KINDS } from '../../protocol/channel-entities.js';
import type { Database } from '../../storage/database.js';
import { lazySchema } from '../../protocol/lazy-schema.js';

/** What a channel keeps besides its senders: read through zod so a hand-edited row cannot break start-up. */
export const channelConfigSchema = lazySchema(() =>
  z.object({
    groups: z.enum(['mention', 'off']).catch('mention'),
    dmApprovals: z.boolean().catch(false),
    ratePerMinute: z.number().int().min(1).max(600).catch(10),
    apiRoot: z.string().nullable().catch(null),
    hasToken: z.boolean().catch(false),
    /** False while `cell0 channels add whatsapp` links the account in its own process. */
    enabled: z.boolean().catch(true),
  }),
);
export type ChannelConfig = z.infer<typeof channelConfigSchema>;

export const DEFAULT_CHANNEL_CONFIG: ChannelConfig = {
  groups: 'mention',
  dmApprovals: false,
  ratePerMinute: 10,
  apiRoot: null,
  hasToken: false,
  enabled: true,
};

export interface ChannelRecord {
  id: string;
  name: string;
  kind: ChannelKind;
  config: ChannelConfig;
  senders: ChannelSender[];
  createdAt: number;
}

export interface PairingRecord {
  code: string;
  channelId: string;
  senderId: string;
  senderName: string;
  chatId: string;
  createdAt: number;
  expiresAt: number;
}

export interface OutboundRecord {
  key: string;
  channelId: string;
  chatId: string;
  kind: 'text' | 'file';
  body: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
}

interface ChannelRow {
  id: string;
  name: string;
  kind: string;
  config: string;
  created_at: number;
}

function parseConfig(raw: string): ChannelConfig {
  try {
    return channelConfigSchema.parse({ ...DEFAULT_CHANNEL_CONFIG, ...(JSON.parse(raw) as object) });
  } catch {
    return DEFAULT_CHANNEL_CONFIG;
  }
}

/** The channel tables: the one place that queries them (the CLI goes through it too). */
export class ChannelStore {
  constructor(private readonly db: Database) {}

  async channels(): Promise<ChannelRecord[]> {
    const rows = await this.db.all<ChannelRow>('SELECT * FROM channels ORDER BY created_at, name');
    const senders = await this.db.all<{ channel_id: string; sender_id: string; name: string; role: string }>(
      'SELECT channel_id, sender_id, name, role FROM channel_senders ORDER BY added_at',
    );
    return rows
      .filter((r) => (CHANNEL_KINDS as readonly string[]).includes(r.kind))
      .map((r) => ({
        id: r.id,
        name: r.name,
        kind: r.kind as ChannelKind,
        config: parseConfig(r.config),
        createdAt: r.created_at,
        senders: senders
          .filter((s) => s.channel_id === r.id)
          .map((s) => ({ id: s.sender_id, name: s.name, role: s.role === 'owner' ? 'owner' : 'allowed' })),
      }));
  }

  async channel(id: string): Promise<ChannelRecord | null> {
    return (await this.channels()).find((c) => c.id === id) ?? null;
  }

  async insertChannel(record: Omit<ChannelRecord, 'senders'>): Promise<void> {
    await this.db.run('INSERT INTO channels (id, name, kind, config, created_at) VALUES (?, ?, ?, ?, ?)', [
      record.id,
      record.name,
      record.kind,
      JSON.stringify(record.config),
      record.createdAt,
    ]);
  }

  async setConfig(id: string, config: ChannelConfig): Promise<void> {
    await this.db.run('UPDATE channels SET config = ? WHERE id = ?', [JSON.stringify(config), id]);
  }

  async deleteChannel(id: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM channels WHERE id = ?', [id])).changes > 0;
  }

  async setSender(channelId: string, sender: ChannelSender, now: number): Promise<void> {
    await this.db.transaction(async () => {
      if (sender.role === 'owner') {
        await this.db.run(
          "UPDATE channel_senders SET role = 'allowed' WHERE channel_id = ? AND role = 'owner'",
          [channelId],
        );
      }
      await this.db.run(
        `INSERT INTO channel_senders (channel_id, sender_id, name, role, added_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (channel_id, sender_id) DO UPDATE SET name = excluded.name, role = excluded.role`,
        [channelId, sender.id, sender.name, sender.role, now],
      );
    });
  }

  async removeSender(channelId: string, senderId: string): Promise<boolean> {
    const result = await this.db.run('DELETE FROM channel_senders WHERE channel_id = ? AND sender_id = ?', [
      channelId,
      senderId,
    ]);
    return result.changes > 0;
  }

  /** The sender's waiting code, if one is still valid; expired ones are cleared on the way. */
  async pairingFor(channelId: string, senderId: string, now: number): Promise<PairingRecord | null> {
    await this.db.run('DELETE FROM channel_pairings WHERE expires_at <= ?', [now]);
    const row = await this.db.get<PairingRow>(
      'SELECT * FROM channel_pairings WHERE channel_id = ? AND sender_id = ?',
      [channelId, senderId],
    );
    return row ? toPairing(row) : null;
  }

  async insertPairing(p: PairingRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO channel_pairings (code, channel_id, sender_id, sender_name, chat_id, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [p.code, p.channelId, p.senderId, p.senderName, p.chatId, p.createdAt, p.expiresAt],
    );
  }

  async pairings(now: number): Promise<PairingRecord[]> {
    await this.db.run('DELETE FROM channel_pairings WHERE expires_at <= ?', [now]);
    const rows = await this.db.all<PairingRow>('SELECT * FROM channel_pairings ORDER BY created_at');
    return rows.map(toPairing);
  }

  /** Takes a code off the list; null when it was not (or no longer) waiting. */
  async takePairing(code: string, now: number): Promise<PairingRecord | null> {
    return this.db.transaction(async () => {
      const row = await this.db.get<PairingRow>(
        'SELECT * FROM channel_pairings WHERE code = ? AND expires_at > ?',
        [code, now],
      );
      if (!row) return null;
      await this.db.run('DELETE FROM channel_pairings WHERE code = ?', [code]);
      return toPairing(row);
    });
  }

  async chats(): Promise<ChannelChat[]> {
    const rows = await this.db.all<ChatRow>(
      `SELECT cc.*, c.kind FROM channel_chats cc JOIN channels c ON c.id = cc.channel_id ORDER BY cc.rowid`,
    );
    return rows.map(toChat);
  }

  async chat(channelId: string, chatId: string): Promise<ChannelChat | null> {
    const row = await this.db.get<ChatRow>(
      `SELECT cc.*, c.kind FROM channel_chats cc JOIN channels c ON c.id = cc.channel_id
       WHERE cc.channel_id = ? AND cc.chat_id = ?`,
      [channelId, chatId],
    );
    return row ? toChat(row) : null;
  }

  async chatOfConversation(conversationId: string): Promise<ChannelChat | null> {
    const row = await this.db.get<ChatRow>(
      `SELECT cc.*, c.kind FROM channel_chats cc JOIN channels c ON c.id = cc.channel_id
       WHERE cc.conversation_id = ?`,
      [conversationId],
    );
    return row ? toChat(row) : null;
  }

  async insertChat(chat: Omit<ChannelChat, 'kind'>): Promise<void> {
    await this.db.run(
      'INSERT INTO channel_chats (channel_id, chat_id, chat_type, title, conversation_id) VALUES (?, ?, ?, ?, ?)',
      [chat.channelId, chat.chatId, chat.chatType, chat.title, chat.conversationId],
    );
  }

  /** Records an inbound message once; false when the platform delivered it before. */
  async recordInbound(
    channelId: string,
    platformId: string,
    m: { chatId: string; senderId: string; payload: string },
    now: number,
  ): Promise<boolean> {
    const result = await this.db.run(
      `INSERT OR IGNORE INTO channel_inbound (channel_id, platform_id, chat_id, sender_id, status, payload, received_at)
       VALUES (?, ?, ?, ?, 'received', ?, ?)`,
      [channelId, platformId, m.chatId, m.senderId, m.payload, now],
    );
    return result.changes > 0;
  }

  async setInboundStatus(channelId: string, platformId: string, status: string): Promise<void> {
    await this.db.run('UPDATE channel_inbound SET status = ? WHERE channel_id = ? AND platform_id = ?', [
      status,
      channelId,
      platformId,
    ]);
  }

  /** Messages stored but not yet handed to the agent (the app stopped in between). */
  async unrouted(): Promise<{ channelId: string; platformId: string; payload: string }[]> {
    const rows = await this.db.all<{ channel_id: string; platform_id: string; payload: string }>(
      "SELECT channel_id, platform_id, payload FROM channel_inbound WHERE status = 'received' ORDER BY received_at",
    );
    return rows.map((r) => ({ channelId: r.channel_id, platformId: r.platform_id, payload: r.payload }));
  }

  /** Claims an outbound message by its key; returns the stored one when the key was seen before. */
  async claimOutbound(o: Omit<OutboundRecord, 'status' | 'attempts'>, now: number): Promise<OutboundRecord> {
    await this.db.run(
      `INSERT OR IGNORE INTO channel_outbound (key, channel_id, chat_id, kind, body, status, created_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?)`,
      [o.key, o.channelId, o.chatId, o.kind, o.body, now],
    );
    const row = await this.db.get<OutboundRow>('SELECT * FROM channel_outbound WHERE key = ?', [o.key]);
    return toOutbound(row!);
  }

  async outboundAttempt(key: string): Promise<void> {
    await this.db.run('UPDATE channel_outbound SET attempts = attempts + 1 WHERE key = ?', [key]);
  }

  async outboundDone(key: string, status: 'sent' | 'failed', platformMessageId: string | null, now: number) {
    await this.db.run(
      'UPDATE channel_outbound SET status = ?, platform_message_id = ?, sent_at = ? WHERE key = ?',
      [status, platformMessageId, now, key],
    );
  }

  async pendingOutbound(channelId: string): Promise<OutboundRecord[]> {
    const rows = await this.db.all<OutboundRow>(
      "SELECT * FROM channel_outbound WHERE channel_id = ? AND status = 'pending' ORDER BY created_at, key",
      [channelId],
    );
    return rows.map(toOutbound);
  }

  async readSession(channelId: string, name: string): Promise<Buffer | null> {
    const row = await this.db.get<{ data: Buffer }>(
      'SELECT data FROM channel_sessions WHERE channel_id = ? AND name = ?',
      [channelId, name],
    );
    return row?.data ?? null;
  }

  async writeSession(channelId: string, name: string, data: Buffer | null): Promise<void> {
    if (data === null) {
      await this.db.run('DELETE FROM channel_sessions WHERE channel_id = ? AND name = ?', [channelId, name]);
      return;
    }
    await this.db.run(
      `INSERT INTO channel_sessions (channel_id, name, data) VALUES (?, ?, ?)
       ON CONFLICT (channel_id, name) DO UPDATE SET data = excluded.data`,
      [channelId, name, data],
    );
  }

  async clearSession(channelId: string): Promise<void> {
    await this.db.run('DELETE FROM channel_sessions WHERE channel_id = ?', [channelId]);
  }
}

interface PairingRow {
  code: string;
  channel_id: string;
  sender_id: string;
  sender_name: string;
  chat_id: string;
  created_at: number;
  expires_at: number;
}

function toPairing(r: PairingRow): PairingRecord {
  return {
    code: r.code,
    channelId: r.channel_id,
    senderId: r.sender_id,
    senderName: r.sender_name,
    chatId: r.chat_id,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
  };
}

interface ChatRow {
  channel_id: string;
  chat_id: string;
  chat_type: string;
  title: string;
  conversation_id: string;
  kind: ChannelKind;
}

function toChat(r: ChatRow): ChannelChat {
  return {
    channelId: r.channel_id,
    kind: r.kind,
    chatId: r.chat_id,
    chatType: r.chat_type === 'group' ? 'group' : 'direct',
    title: r.title,
    conversationId: r.conversation_id,
  };
}

interface OutboundRow {
  key: string;
  channel_id: string;
  chat_id: string;
  kind: 'text' | 'file';
  body: string;
  status: OutboundRecord['status'];
  attempts: number;
}

function toOutbound(r: OutboundRow): OutboundRecord {
  return {
    key: r.key,
    channelId: r.channel_id,
    chatId: r.chat_id,
    kind: r.kind,
    body: r.body,
    status: r.status,
    attempts: r.attempts,
  };
}
