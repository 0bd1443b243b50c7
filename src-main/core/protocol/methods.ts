import { z } from 'zod';
import { conversationSchema, messageSchema, providerSettingsSchema } from './entities.js';

const id = z.string().min(1).max(64);
const title = z.string().trim().min(1).max(200);
const baseUrl = z
  .string()
  .trim()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must start with http:// or https://');

/**
 * Every request a client can make: params and result schemas in one place, so validation,
 * types and docs come from one definition.
 */
export const methods = {
  'session.hello': {
    params: z.object({ token: z.string().max(256) }),
    result: z.object({ version: z.string() }),
  },
  'app.info': {
    params: z.object({}).optional(),
    result: z.object({
      version: z.string(),
      dataDir: z.string(),
      mode: z.enum(['desktop', 'serve']),
    }),
  },
  'conversations.list': {
    params: z.object({}).optional(),
    result: z.object({ conversations: z.array(conversationSchema) }),
  },
  'conversations.get': {
    params: z.object({ id }),
    result: conversationSchema,
  },
  'conversations.create': {
    params: z.object({ title: title.optional() }).optional(),
    result: conversationSchema,
  },
  'conversations.rename': {
    params: z.object({ id, title }),
    result: conversationSchema,
  },
  'conversations.delete': {
    params: z.object({ id }),
    result: z.object({ id: z.string() }),
  },
  'messages.page': {
    params: z.object({
      conversationId: id,
      offset: z.number().int().nonnegative(),
      limit: z.number().int().min(1).max(500),
    }),
    result: z.object({ total: z.number().int(), messages: z.array(messageSchema) }),
  },
  'chat.send': {
    params: z.object({
      conversationId: id,
      text: z.string().trim().min(1).max(200_000),
      /** Idempotency key: resending the same key returns the stored message, never a twin. */
      clientMessageId: z.string().min(1).max(64),
    }),
    result: z.object({ userMessage: messageSchema, assistantMessage: messageSchema }),
  },
  'chat.stop': {
    params: z.object({ conversationId: id }),
    result: z.object({ stopped: z.boolean() }),
  },
  'settings.get': {
    params: z.object({}).optional(),
    result: z.object({ provider: providerSettingsSchema.nullable() }),
  },
  'settings.setProvider': {
    params: z.object({
      baseUrl,
      model: z.string().trim().min(1).max(200),
      /** A string sets the key, null removes it, absent keeps the stored one. */
      apiKey: z.string().max(4096).nullable().optional(),
    }),
    result: providerSettingsSchema,
  },
  'provider.test': {
    params: z
      .object({
        baseUrl: baseUrl.optional(),
        model: z.string().trim().min(1).max(200).optional(),
        apiKey: z.string().max(4096).optional(),
      })
      .optional(),
    result: z.object({ models: z.array(z.string()) }),
  },
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodParams<M extends MethodName> = z.input<Methods[M]['params']>;
export type MethodResult<M extends MethodName> = z.infer<Methods[M]['result']>;
export type ParsedParams<M extends MethodName> = z.output<Methods[M]['params']>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}
