import { z } from 'zod';
import { conversationSchema, messageSchema, providerSettingsSchema } from './entities.js';

/** Every event the core pushes to clients. */
export const events = {
  'conversation.updated': z.object({ conversation: conversationSchema }),
  'conversation.deleted': z.object({ id: z.string() }),
  'message.created': z.object({ message: messageSchema }),
  /** Text appended to a streaming assistant message. */
  'message.delta': z.object({ conversationId: z.string(), messageId: z.string(), text: z.string() }),
  /** A message reached a new state (complete, stopped, error, interrupted). */
  'message.updated': z.object({ message: messageSchema }),
  'settings.updated': z.object({ provider: providerSettingsSchema.nullable() }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;
