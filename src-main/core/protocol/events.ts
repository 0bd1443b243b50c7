import { z } from 'zod';
import { errorShapeSchema } from './frames.js';
import {
  agentsStatusSchema,
  conversationSchema,
  identityStateSchema,
  messageSchema,
  settingsSnapshotSchema,
} from './entities.js';
import {
  PERMISSION_DECISIONS,
  auditRecordSchema,
  permissionRequestSchema,
  permissionRuleSchema,
  toolCallSchema,
} from './kernel-entities.js';
import { coreEvents } from './core-methods.js';
import { channelEvents } from './channel-methods.js';
import { automationEvents } from './automation-methods.js';
import { deviceEvents } from './device-methods.js';
import { meshEvents } from './mesh-methods.js';
import { localModelEvents } from './local-model-methods.js';
import { swarmEvents } from './swarm-methods.js';
import { mcpEvents } from './mcp-methods.js';
import { conversationEvents } from './conversation-methods.js';
import { labEvents } from './lab-methods.js';
import { checkpointEvents } from './checkpoint-methods.js';
import {
  daemonStatusSchema,
  embeddingStatusSchema,
  memorySchema,
  usedMemorySchema,
} from './memory-entities.js';
import { lazySchema } from './lazy-schema.js';

/** Every event the core pushes to clients. */
export const events = {
  'conversation.updated': lazySchema(() => z.object({ conversation: conversationSchema })),
  'conversation.deleted': lazySchema(() => z.object({ id: z.string() })),
  'message.created': lazySchema(() => z.object({ message: messageSchema })),
  /** Text appended to a streaming assistant message. */
  'message.delta': lazySchema(() =>
    z.object({ conversationId: z.string(), messageId: z.string(), text: z.string() }),
  ),
  /** A message reached a new state (complete, stopped, error, interrupted). */
  'message.updated': lazySchema(() => z.object({ message: messageSchema })),
  /** The provider refused for now (rate limit, overload); the core waits and tries again. */
  'message.retrying': lazySchema(() =>
    z.object({
      conversationId: z.string(),
      messageId: z.string(),
      attempt: z.number().int().positive(),
      maxAttempts: z.number().int().positive(),
      waitMs: z.number().int().nonnegative(),
      error: errorShapeSchema,
    }),
  ),
  /** The model asked for a tool; the kernel decides and runs it. */
  'message.toolCall': lazySchema(() =>
    z.object({
      conversationId: z.string(),
      messageId: z.string(),
      toolCallId: z.string(),
      toolName: z.string(),
      input: z.unknown(),
    }),
  ),
  'settings.updated': lazySchema(() => z.object({ settings: settingsSnapshotSchema })),
  'identity.updated': lazySchema(() => z.object({ state: identityStateSchema })),
  /** A tool call changed state (waiting for permission, running, done, denied, failed, limit hit). */
  'tool.updated': lazySchema(() => z.object({ toolCall: toolCallSchema })),
  /** Live output of a running tool (a shell's terminal bytes as text), for the terminal view. */
  'tool.output': lazySchema(() =>
    z.object({ conversationId: z.string(), toolCallId: z.string(), chunk: z.string() }),
  ),
  'permission.requested': lazySchema(() => z.object({ request: permissionRequestSchema })),
  'permission.resolved': lazySchema(() =>
    z.object({
      requestId: z.string(),
      decision: z.enum([...PERMISSION_DECISIONS, 'cancelled']),
    }),
  ),
  'permission.rulesChanged': lazySchema(() => z.object({ rules: z.array(permissionRuleSchema) })),
  'audit.appended': lazySchema(() => z.object({ record: auditRecordSchema })),
  'agents.status': lazySchema(() => z.object({ status: agentsStatusSchema })),
  'memory.updated': lazySchema(() => z.object({ memory: memorySchema })),
  'memory.deleted': lazySchema(() => z.object({ id: z.string() })),
  'memory.status': lazySchema(() => z.object({ status: daemonStatusSchema })),
  /** The memory embedder changed state or a re-index made progress. */
  'memory.embedding': lazySchema(() => z.object({ status: embeddingStatusSchema })),
  /** Which memories a reply was given (sent when its context is assembled). */
  'message.memories': lazySchema(() =>
    z.object({
      conversationId: z.string(),
      messageId: z.string(),
      memories: z.array(usedMemorySchema),
    }),
  ),
  /**
   * Asks the window to show a place: sent by the desktop shell when a notification or the tray
   * is clicked (the conversation, and the message or permission card to scroll to).
   */
  'ui.navigate': lazySchema(() =>
    z.object({
      conversationId: z.string(),
      messageId: z.string().nullable(),
      permissionRequestId: z.string().nullable(),
    }),
  ),
  ...swarmEvents,
  ...coreEvents,
  ...channelEvents,
  ...automationEvents,
  ...deviceEvents,
  ...meshEvents,
  ...mcpEvents,
  ...conversationEvents,
  ...labEvents,
  ...localModelEvents,
  ...checkpointEvents,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;
