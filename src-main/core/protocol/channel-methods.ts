import { z } from 'zod';
import {
  CHANNEL_KINDS,
  channelChatSchema,
  channelSchema,
  channelStatusSchema,
  pairingSchema,
} from './channel-entities.js';
import { lazySchema } from './lazy-schema.js';

const id = lazySchema(() => z.string().min(1).max(64));
const endpoint = lazySchema(() =>
  z
    .string()
    .trim()
    .url()
    .refine((u) => /^https?:\/\//i.test(u), 'must start with http:// or https://'),
);

/** Pairing codes are typed by people: case and a dash in the middle do not matter. */
export const pairingCodeParam = lazySchema(() =>
  z
    .string()
    .trim()
    .min(4)
    .max(20)
    .transform((c) => c.toUpperCase().replace(/[^A-Z0-9]/g, '')),
);

export const channelSettingsSchema = lazySchema(() =>
  z.object({
    groups: z.enum(['mention', 'off']).optional(),
    dmApprovals: z.boolean().optional(),
    ratePerMinute: z.number().int().min(1).max(600).optional(),
  }),
);

/** Channel requests: the same store `cell0 channels …` uses. */
export const channelMethods = {
  'channels.list': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() =>
      z.object({
        channels: z.array(channelSchema),
        chats: z.array(channelChatSchema),
        pairings: z.array(pairingSchema),
      }),
    ),
  },
  /** Adds an account and starts connecting it in the background; its status says how far it got. */
  'channels.add': {
    params: lazySchema(() =>
      z.object({
        kind: z.enum(CHANNEL_KINDS),
        name: z
          .string()
          .trim()
          .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lower-case letters, digits and dashes, up to 32')
          .optional(),
        /** The bot token (Telegram, Discord); it goes to the keychain and is never shown again. */
        token: z.string().trim().min(1).max(500).optional(),
        apiRoot: endpoint.optional(),
      }),
    ),
    result: channelSchema,
  },
  'channels.update': {
    params: lazySchema(() => channelSettingsSchema.extend({ id })),
    result: channelSchema,
  },
  'channels.remove': {
    params: lazySchema(() => z.object({ id })),
    result: lazySchema(() => z.object({ removed: z.boolean() })),
  },
  /** Connects again now (after a fix, or to show a fresh WhatsApp QR code). */
  'channels.reconnect': {
    params: lazySchema(() => z.object({ id })),
    result: channelSchema,
  },
  'channels.approve': {
    params: lazySchema(() => z.object({ code: pairingCodeParam })),
    result: lazySchema(() =>
      z.object({ channel: channelSchema, senderId: z.string(), role: z.enum(['owner', 'allowed']) }),
    ),
  },
  'channels.reject': {
    params: lazySchema(() => z.object({ code: pairingCodeParam })),
    result: lazySchema(() => z.object({ rejected: z.boolean() })),
  },
  /** Takes a sender off a channel's list (the owner too, which lets the next pairing become owner). */
  'channels.removeSender': {
    params: lazySchema(() => z.object({ id, senderId: z.string().min(1).max(200) })),
    result: channelSchema,
  },
} as const;

export const channelEvents = {
  /** A channel was added or changed (settings, senders, status). */
  'channels.updated': lazySchema(() => z.object({ channel: channelSchema })),
  'channels.removed': lazySchema(() => z.object({ id: z.string() })),
  'channels.status': lazySchema(() => z.object({ channelId: z.string(), status: channelStatusSchema })),
  'channels.chat': lazySchema(() => z.object({ chat: channelChatSchema })),
  'channels.pairing': lazySchema(() => z.object({ pairing: pairingSchema })),
  'channels.pairingResolved': lazySchema(() => z.object({ code: z.string(), approved: z.boolean() })),
} as const;
