import { z } from 'zod';
import { errorShapeSchema } from './frames.js';
import { lazySchema } from './lazy-schema.js';

/** The chat platforms Cell 0 reaches, each through one adapter under core/gateway/channels/. */
export const CHANNEL_KINDS = ['telegram', 'discord', 'whatsapp'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const CHANNEL_STATES = ['stopped', 'connecting', 'connected', 'needs-login', 'failed'] as const;

/** A channel account's state, as the status snapshot keeps it: failures land here, never thrown at the UI. */
export const channelStatusSchema = lazySchema(() =>
  z.object({
    state: z.enum(CHANNEL_STATES),
    /** Why it failed or waits to reconnect, in words a person can act on. */
    error: errorShapeSchema.nullable(),
    /** WhatsApp's link code (the text Baileys emits for the QR code) while the account waits to be linked. */
    qr: z.string().nullable(),
    /** Who the account is on the platform: the bot's @name, the linked WhatsApp number. */
    account: z.string().nullable(),
    /** When the next reconnect is tried (ms since epoch), after a transient failure. */
    retryAt: z.number().nullable(),
    /** Updates the adapter could not read and skipped (malformed), since it started. */
    skippedUpdates: z.number().int().nonnegative(),
    since: z.number(),
  }),
);

export const channelSenderSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    role: z.enum(['owner', 'allowed']),
  }),
);

export const channelSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    /** Unique, lower case: what `cell0 channels remove NAME` takes. */
    name: z.string(),
    kind: z.enum(CHANNEL_KINDS),
    /** The owner and the senders the owner approved; everyone else gets a pairing code and nothing else. */
    senders: z.array(channelSenderSchema),
    /** Group chats: answered only when the agent is mentioned, or not at all. */
    groups: z.enum(['mention', 'off']),
    /** Permission requests of this channel's conversations also go to the owner's DM, with Allow/Deny buttons. */
    dmApprovals: z.boolean(),
    /** Messages a sender may send per minute before the agent asks them to slow down. */
    ratePerMinute: z.number().int().min(1).max(600),
    /**
     * Another API server: Telegram's self-hosted Bot API server, or Discord's REST base (whose
     * `/gateway/bot` names the gateway, as Discord's own does). Null is the platform's own.
     */
    apiRoot: z.string().nullable(),
    hasToken: z.boolean(),
    createdAt: z.number(),
    status: channelStatusSchema,
  }),
);

/** One chat of a channel and the Cell 0 conversation it maps to. */
export const channelChatSchema = lazySchema(() =>
  z.object({
    channelId: z.string(),
    kind: z.enum(CHANNEL_KINDS),
    chatId: z.string(),
    chatType: z.enum(['direct', 'group']),
    title: z.string(),
    conversationId: z.string(),
  }),
);

/** A stranger who asked to talk to the agent: the owner approves or rejects the code. */
export const pairingSchema = lazySchema(() =>
  z.object({
    code: z.string(),
    channelId: z.string(),
    channelName: z.string(),
    kind: z.enum(CHANNEL_KINDS),
    senderId: z.string(),
    senderName: z.string(),
    /** True when approving makes this sender the channel's owner (the channel has none yet). */
    asOwner: z.boolean(),
    createdAt: z.number(),
    expiresAt: z.number(),
  }),
);

export type ChannelStatus = z.infer<typeof channelStatusSchema>;
export type ChannelSender = z.infer<typeof channelSenderSchema>;
export type Channel = z.infer<typeof channelSchema>;
export type ChannelChat = z.infer<typeof channelChatSchema>;
export type Pairing = z.infer<typeof pairingSchema>;
