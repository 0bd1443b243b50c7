import { z } from 'zod';
import { errorShapeSchema } from './frames.js';
import {
  conversationSchema,
  identityStateSchema,
  messageSchema,
  settingsSnapshotSchema,
} from './entities.js';

/** Every event the core pushes to clients. */
export const events = {
  'conversation.updated': z.object({ conversation: conversationSchema }),
  'conversation.deleted': z.object({ id: z.string() }),
  'message.created': z.object({ message: messageSchema }),
  /** Text appended to a streaming assistant message. */
  'message.delta': z.object({ conversationId: z.string(), messageId: z.string(), text: z.string() }),
  /** A message reached a new state (complete, stopped, error, interrupted). */
  'message.updated': z.object({ message: messageSchema }),
  /** The provider refused for now (rate limit, overload); the core waits and tries again. */
  'message.retrying': z.object({
    conversationId: z.string(),
    messageId: z.string(),
    attempt: z.number().int().positive(),
    maxAttempts: z.number().int().positive(),
    waitMs: z.number().int().nonnegative(),
    error: errorShapeSchema,
  }),
  /** The model asked for a tool; the kernel decides and runs it. */
  'message.toolCall': z.object({
    conversationId: z.string(),
    messageId: z.string(),
    toolCallId: z.string(),
    toolName: z.string(),
    input: z.unknown(),
  }),
  'settings.updated': z.object({ settings: settingsSnapshotSchema }),
  'identity.updated': z.object({ state: identityStateSchema }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;
