import { z } from 'zod';
import {
  PROVIDER_KINDS,
  agentsStatusSchema,
  conversationSchema,
  desktopSettingsSchema,
  identityCardSchema,
  identityStateSchema,
  keyRotationSchema,
  localServerSchema,
  messageSchema,
  modelInfoSchema,
  modelRefSchema,
  providerSchema,
  settingsSnapshotSchema,
} from './entities.js';
import {
  NETWORK_SCOPES,
  PERMISSION_DECISIONS,
  auditRecordSchema,
  auditVerificationSchema,
  permissionRequestSchema,
  permissionRuleSchema,
  sandboxStatusSchema,
  toolCallSchema,
} from './kernel-entities.js';
import {
  MEMORY_KINDS,
  daemonStatusSchema,
  embedderChoiceSchema,
  embeddingStatusSchema,
  memorySchema,
  personaSchema,
  searchHitSchema,
  usedMemorySchema,
} from './memory-entities.js';
import { coreMethods } from './core-methods.js';
import { channelMethods } from './channel-methods.js';
import { automationMethods } from './automation-methods.js';
import { deviceMethods } from './device-methods.js';
import { meshMethods } from './mesh-methods.js';
import { localModelMethods } from './local-model-methods.js';
import { swarmMethods } from './swarm-methods.js';
import { mcpMethods } from './mcp-methods.js';
import { conversationMethods } from './conversation-methods.js';
import { labMethods } from './lab-methods.js';
import { checkpointMethods } from './checkpoint-methods.js';
import { lazySchema } from './lazy-schema.js';

const id = lazySchema(() => z.string().min(1).max(64));
const title = lazySchema(() => z.string().trim().min(1).max(200));
const baseUrl = lazySchema(() =>
  z
    .string()
    .trim()
    .url()
    .refine((u) => /^https?:\/\//i.test(u), 'must start with http:// or https://'),
);

/**
 * Every request a client can make: params and result schemas in one place, so validation,
 * types and docs come from one definition.
 */
export const methods = {
  'session.hello': {
    params: lazySchema(() => z.object({ token: z.string().max(256) })),
    result: lazySchema(() => z.object({ version: z.string() })),
  },
  'app.info': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() =>
      z.object({
        version: z.string(),
        dataDir: z.string(),
        mode: z.enum(['desktop', 'serve']),
        /** When the price table behind cost estimates was last checked (YYYY-MM-DD). */
        pricesAsOf: z.string(),
      }),
    ),
  },
  'conversations.list': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() => z.object({ conversations: z.array(conversationSchema) })),
  },
  'conversations.get': {
    params: lazySchema(() => z.object({ id })),
    result: conversationSchema,
  },
  'conversations.create': {
    params: lazySchema(() => z.object({ title: title.optional() }).optional()),
    result: conversationSchema,
  },
  'conversations.rename': {
    params: lazySchema(() => z.object({ id, title })),
    result: conversationSchema,
  },
  'conversations.delete': {
    params: lazySchema(() => z.object({ id })),
    result: lazySchema(() => z.object({ id: z.string() })),
  },
  'messages.page': {
    params: lazySchema(() =>
      z.object({
        conversationId: id,
        offset: z.number().int().nonnegative(),
        limit: z.number().int().min(1).max(500),
        /** The last `limit` messages instead (offset ignored): a window asks for them before it knows the total. */
        last: z.boolean().optional(),
      }),
    ),
    result: lazySchema(() => z.object({ total: z.number().int(), messages: z.array(messageSchema) })),
  },
  'chat.send': {
    params: lazySchema(() =>
      z.object({
        conversationId: id,
        text: z.string().trim().min(1).max(200_000),
        /** Idempotency key: resending the same key returns the stored message, never a twin. */
        clientMessageId: z.string().min(1).max(64),
        /** Files already added with attachments.add, by their path in the conversation's workspace. */
        attachments: z.array(z.string().min(1).max(500)).max(10).optional(),
        /** off: this reply is offered no tools (`cell0 ask --no-tools`); default: the usual tools. */
        tools: z.enum(['ask', 'off']).optional(),
        /** Dry run: the whole reply runs in a lab over the workspace (reviewed and applied after). */
        dryRun: z.boolean().optional(),
      }),
    ),
    result: lazySchema(() =>
      z.object({
        userMessage: messageSchema,
        assistantMessage: messageSchema,
        /** The dry run's lab. */
        labId: z.string().optional(),
      }),
    ),
  },
  'chat.stop': {
    params: lazySchema(() => z.object({ conversationId: id })),
    result: lazySchema(() => z.object({ stopped: z.boolean() })),
  },
  'conversations.setModel': {
    params: lazySchema(() => z.object({ id, modelRef: modelRefSchema.nullable() })),
    result: conversationSchema,
  },
  'settings.get': {
    params: lazySchema(() => z.object({}).optional()),
    result: settingsSnapshotSchema,
  },
  'settings.setDefaultModel': {
    params: lazySchema(() => z.object({ modelRef: modelRefSchema })),
    result: settingsSnapshotSchema,
  },
  /** Marks first-run onboarding done (true) or asks for it again from Settings (false). */
  'settings.setOnboardingDone': {
    params: lazySchema(() => z.object({ done: z.boolean() })),
    result: settingsSnapshotSchema,
  },
  /** Creates (no id) or updates a provider; the key goes to the keychain before anything else changes. */
  'providers.save': {
    params: lazySchema(() =>
      z.object({
        id: id.optional(),
        kind: z.enum(PROVIDER_KINDS),
        name: z.string().trim().min(1).max(80).optional(),
        /** Defaults to the kind's public endpoint (OpenAI, Anthropic); required for openai-compatible. */
        baseUrl: baseUrl.optional(),
        /** A string sets the key, null removes it, absent keeps the stored one. */
        apiKey: z.string().max(4096).nullable().optional(),
        defaultModel: z.string().trim().min(1).max(200).nullable().optional(),
        /** Also make this provider's default model the app's default. */
        makeDefault: z.boolean().optional(),
      }),
    ),
    result: providerSchema,
  },
  'providers.remove': {
    params: lazySchema(() => z.object({ id })),
    result: lazySchema(() => z.object({ id: z.string() })),
  },
  /** Lists a provider's models: a saved one by id, or a draft (kind, baseUrl, apiKey) to test before saving. */
  'providers.models': {
    params: lazySchema(() =>
      z.union([
        z.object({ id }),
        z.object({
          kind: z.enum(PROVIDER_KINDS),
          baseUrl: baseUrl.optional(),
          apiKey: z.string().max(4096).optional(),
        }),
      ]),
    ),
    result: lazySchema(() => z.object({ models: z.array(modelInfoSchema) })),
  },
  /** Looks for model servers running on this machine (Ollama, LM Studio). */
  'providers.detectLocal': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() => z.object({ servers: z.array(localServerSchema) })),
  },
  'identity.get': {
    params: lazySchema(() => z.object({}).optional()),
    result: identityStateSchema,
  },
  'identity.exportCard': {
    params: lazySchema(() => z.object({ name: z.string().trim().min(1).max(80).optional() }).optional()),
    result: identityCardSchema,
  },
  'identity.rotate': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() => z.object({ state: identityStateSchema, rotation: keyRotationSchema })),
  },
  /** The tool calls of a conversation's replies, for the tool cards after a reload. */
  'tools.list': {
    params: lazySchema(() => z.object({ conversationId: id })),
    result: lazySchema(() => z.object({ toolCalls: z.array(toolCallSchema) })),
  },
  'permissions.pending': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() => z.object({ requests: z.array(permissionRequestSchema) })),
  },
  /** The owner's answer to a permission card. Only an authenticated owner client reaches this. */
  'permissions.respond': {
    params: lazySchema(() =>
      z.object({
        requestId: id,
        decision: z.enum(PERMISSION_DECISIONS),
        /** For allow-always: the pattern to save (defaults to the card's proposal). */
        pattern: z.string().min(1).max(500).optional(),
        /** For a call that wants network: the hosts it named (the default when it named any), or any public host. */
        network: z.enum(NETWORK_SCOPES).optional(),
      }),
    ),
    result: lazySchema(() => z.object({ ok: z.literal(true) })),
  },
  'permissions.rules': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() => z.object({ rules: z.array(permissionRuleSchema) })),
  },
  'permissions.revoke': {
    params: lazySchema(() => z.object({ ruleId: id })),
    result: lazySchema(() => z.object({ ok: z.literal(true) })),
  },
  'audit.list': {
    params: lazySchema(() =>
      z.object({
        /** Newest first; records with seq below this one. */
        beforeSeq: z.number().int().positive().optional(),
        limit: z.number().int().min(1).max(500),
        conversationId: id.optional(),
      }),
    ),
    result: lazySchema(() => z.object({ records: z.array(auditRecordSchema), total: z.number().int() })),
  },
  'audit.verify': {
    params: lazySchema(() => z.object({}).optional()),
    result: auditVerificationSchema,
  },
  'kernel.status': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() => z.object({ sandbox: sandboxStatusSchema, runningTools: z.number().int() })),
  },
  /** Stops every running reply and kills every running tool. */
  'agents.stopAll': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() => z.object({ stoppedReplies: z.number().int(), killedTools: z.number().int() })),
  },
  'settings.setDesktop': {
    params: lazySchema(() => desktopSettingsSchema.partial()),
    result: settingsSnapshotSchema,
  },
  'agents.status': {
    params: lazySchema(() => z.object({}).optional()),
    result: agentsStatusSchema,
  },
  /** Holds every agent at its next step or tool call until resumed; running tools finish. */
  'agents.pause': {
    params: lazySchema(() => z.object({}).optional()),
    result: agentsStatusSchema,
  },
  'agents.resume': {
    params: lazySchema(() => z.object({}).optional()),
    result: agentsStatusSchema,
  },
  /** Full-text search over every message of every conversation (Ctrl/Cmd+K). */
  'search.messages': {
    params: lazySchema(() =>
      z.object({
        query: z.string().trim().min(1).max(500),
        limit: z.number().int().min(1).max(100).optional(),
      }),
    ),
    result: lazySchema(() => z.object({ hits: z.array(searchHitSchema) })),
  },
  'conversations.export': {
    params: lazySchema(() => z.object({ id, format: z.enum(['markdown', 'json']) })),
    result: lazySchema(() => z.object({ filename: z.string(), mimeType: z.string(), content: z.string() })),
  },
  'memories.list': {
    params: lazySchema(() =>
      z.object({
        query: z.string().trim().max(500).optional(),
        includeRetired: z.boolean().optional(),
        offset: z.number().int().nonnegative().optional(),
        limit: z.number().int().min(1).max(500),
      }),
    ),
    result: lazySchema(() => z.object({ memories: z.array(memorySchema), total: z.number().int() })),
  },
  'memories.create': {
    params: lazySchema(() =>
      z.object({
        text: z.string().trim().min(1).max(2000),
        kind: z.enum(MEMORY_KINDS).optional(),
        pinned: z.boolean().optional(),
        eventDate: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/)
          .nullable()
          .optional(),
      }),
    ),
    result: memorySchema,
  },
  'memories.update': {
    params: lazySchema(() =>
      z.object({
        id,
        text: z.string().trim().min(1).max(2000).optional(),
        kind: z.enum(MEMORY_KINDS).optional(),
        pinned: z.boolean().optional(),
        importance: z.number().min(0).max(1).optional(),
        eventDate: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/)
          .nullable()
          .optional(),
      }),
    ),
    result: memorySchema,
  },
  'memories.delete': {
    params: lazySchema(() => z.object({ id })),
    result: lazySchema(() => z.object({ id: z.string() })),
  },
  /** "Forget everything about X": deletes every memory about the topic; returns what was forgotten. */
  'memories.forget': {
    params: lazySchema(() => z.object({ topic: z.string().trim().min(1).max(200) })),
    result: lazySchema(() => z.object({ forgotten: z.array(memorySchema) })),
  },
  /** The memories a reply was given, and why. */
  'memories.usedBy': {
    params: lazySchema(() => z.object({ messageId: id })),
    result: lazySchema(() => z.object({ memories: z.array(usedMemorySchema) })),
  },
  'memory.status': {
    params: lazySchema(() => z.object({}).optional()),
    result: daemonStatusSchema,
  },
  /** Reads a conversation the daemon failed on (or skipped) again, at its next step. */
  'memory.retry': {
    params: lazySchema(() => z.object({ conversationId: id })),
    result: daemonStatusSchema,
  },
  /** Which embedder memory search uses, and how far a switch to another one has come. */
  'memory.embedding': {
    params: lazySchema(() => z.object({}).optional()),
    result: embeddingStatusSchema,
  },
  /**
   * Chooses the embedder (a provider's model is tried once before it is accepted) and starts the
   * background re-index. Choosing the same one again retries a failed or fallen-back one now.
   */
  'settings.setMemoryEmbedder': {
    params: embedderChoiceSchema,
    result: embeddingStatusSchema,
  },
  /** A provider's models that look like embedding models (any other name may still be typed). */
  'memory.embeddingModels': {
    params: lazySchema(() => z.object({ providerId: id })),
    result: lazySchema(() => z.object({ models: z.array(z.string()) })),
  },
  'settings.setPersona': {
    params: personaSchema,
    result: personaSchema,
  },
  'settings.getMemory': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() =>
      z.object({ persona: personaSchema, tokensPerDay: z.number().int(), embedder: z.string() }),
    ),
  },
  'settings.setMemoryBudget': {
    params: lazySchema(() => z.object({ tokensPerDay: z.number().int().min(0).max(100_000_000) })),
    result: daemonStatusSchema,
  },
  ...swarmMethods,
  ...coreMethods,
  ...channelMethods,
  ...automationMethods,
  ...deviceMethods,
  ...meshMethods,
  ...mcpMethods,
  ...conversationMethods,
  ...labMethods,
  ...localModelMethods,
  ...checkpointMethods,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodParams<M extends MethodName> = z.input<Methods[M]['params']>;
export type MethodResult<M extends MethodName> = z.infer<Methods[M]['result']>;
export type ParsedParams<M extends MethodName> = z.output<Methods[M]['params']>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}
