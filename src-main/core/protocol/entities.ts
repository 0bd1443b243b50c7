import { z } from 'zod';
import { errorShapeSchema } from './frames.js';

export const conversationSchema = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  messageCount: z.number().int().nonnegative(),
});

export const MESSAGE_STATUSES = ['complete', 'streaming', 'stopped', 'error', 'interrupted'] as const;

export const messageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  /** Position in the conversation, from 0; stable, so a virtualised list can index by it. */
  index: z.number().int().nonnegative(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  status: z.enum(MESSAGE_STATUSES),
  error: errorShapeSchema.nullable(),
  model: z.string().nullable(),
  createdAt: z.number(),
});

export const providerSettingsSchema = z.object({
  kind: z.literal('openai-compatible'),
  baseUrl: z.string(),
  model: z.string(),
  hasApiKey: z.boolean(),
});

export type Conversation = z.infer<typeof conversationSchema>;
export type Message = z.infer<typeof messageSchema>;
export type MessageStatus = Message['status'];
export type ProviderSettings = z.infer<typeof providerSettingsSchema>;
