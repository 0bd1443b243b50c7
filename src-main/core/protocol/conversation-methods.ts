import { z } from 'zod';
import {
  attachmentSchema,
  conversationSchema,
  conversationSettingsSchema,
  messageSchema,
} from './entities.js';
import { lazySchema } from './lazy-schema.js';

const id = lazySchema(() => z.string().min(1).max(64));
const exchange = lazySchema(() => z.object({ userMessage: messageSchema, assistantMessage: messageSchema }));

/** What people do to a conversation beyond sending: versions, branches, settings, the sidebar's actions. */
export const conversationMethods = {
  /**
   * Writes a new version of an assistant reply from the context before it. The reply and what
   * follows it are set aside as an earlier version (browsable with messages.switchVersion).
   */
  'chat.regenerate': {
    params: lazySchema(() => z.object({ conversationId: id, messageId: id })),
    result: lazySchema(() => z.object({ assistantMessage: messageSchema })),
  },
  /**
   * Replaces a message of the owner with new text and answers it: a branch. The old message and its
   * continuation stay reachable as the other version of that position.
   */
  'chat.edit': {
    params: lazySchema(() =>
      z.object({
        conversationId: id,
        messageId: id,
        text: z.string().trim().min(1).max(200_000),
        clientMessageId: z.string().min(1).max(64),
      }),
    ),
    result: exchange,
  },
  /** Shows another version at a position (1-based `version`); the one shown before is set aside. */
  'messages.switchVersion': {
    params: lazySchema(() =>
      z.object({
        conversationId: id,
        index: z.number().int().nonnegative(),
        version: z.number().int().min(1),
      }),
    ),
    result: lazySchema(() => z.object({ total: z.number().int() })),
  },
  /** Deletes one message ('message') or it and every message after it ('rest'). */
  'messages.delete': {
    params: lazySchema(() =>
      z.object({ conversationId: id, messageId: id, scope: z.enum(['message', 'rest']) }),
    ),
    result: lazySchema(() => z.object({ deleted: z.number().int(), total: z.number().int() })),
  },
  'conversations.configure': {
    params: lazySchema(() => z.object({ id, settings: conversationSettingsSchema.partial() })),
    result: conversationSchema,
  },
  /**
   * Sets the conversation's workspace to a folder of the owner's choice (an absolute path, checked:
   * WORKSPACE_* codes say why not), or back to its own default folder (null). Audited; the next
   * tool call runs there.
   */
  'conversations.setWorkspace': {
    params: lazySchema(() => z.object({ id, path: z.string().min(1).max(4096).nullable() })),
    result: conversationSchema,
  },
  'settings.getConversationDefaults': {
    params: lazySchema(() => z.object({}).optional()),
    result: conversationSettingsSchema,
  },
  /** What every new conversation starts with; existing ones keep theirs. */
  'settings.setConversationDefaults': {
    params: conversationSettingsSchema,
    result: conversationSettingsSchema,
  },
  'conversations.pin': {
    params: lazySchema(() => z.object({ id, pinned: z.boolean() })),
    result: conversationSchema,
  },
  'conversations.archive': {
    params: lazySchema(() => z.object({ id, archived: z.boolean() })),
    result: conversationSchema,
  },
  /**
   * Copies a file into the conversation's workspace, in chunks of at most 512 KiB (base64) since a
   * frame is 1 MiB. Send the chunks in order with one uploadId; the last (done) returns the attachment.
   */
  'attachments.add': {
    params: lazySchema(() =>
      z.object({
        conversationId: id,
        uploadId: z.string().min(1).max(64),
        name: z.string().trim().min(1).max(255),
        mimeType: z.string().max(200),
        size: z.number().int().nonnegative(),
        offset: z.number().int().nonnegative(),
        data: z.string().max(700_000),
        done: z.boolean(),
      }),
    ),
    result: lazySchema(() => z.object({ attachment: attachmentSchema.nullable() })),
  },
} as const;

export const conversationEvents = {
  /** The messages of a conversation changed in place (a version switch, a deletion): fetch them again. */
  'messages.reset': lazySchema(() => z.object({ conversationId: z.string(), total: z.number().int() })),
} as const;
