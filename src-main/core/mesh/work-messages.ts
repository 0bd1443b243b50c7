import { z } from 'zod';
import { TOOL_NAMES } from '../protocol/kernel-entities.js';
import { lazySchema } from '../protocol/lazy-schema.js';

export const WORK_PROTOCOL = '/cell0/mesh/work/1.0.0';

/** What the swarm's instance sends to start a worker on a peer. */
export const workStartSchema = lazySchema(() =>
  z.object({
    jobId: z.string().min(1).max(64),
    runId: z.string().min(1).max(64),
    agentId: z.string().min(1).max(64),
    attempt: z.number().int().positive().max(100),
    title: z.string().max(200),
    task: z.string().max(20_000),
    system: z.string().max(40_000),
    prompt: z.string().max(200_000),
    model: z.string().min(1).max(200),
    tools: z.array(z.enum(TOOL_NAMES)).max(TOOL_NAMES.length),
    steps: z.number().int().min(1).max(100),
  }),
);
export type WorkStart = z.infer<typeof workStartSchema>;

/** Decisions a peer may relay for a remote worker: once, or for this worker's turn; never wider. */
export const RELAYABLE_DECISIONS = ['allow-once', 'allow-reply', 'deny'] as const;

export const workAnswerSchema = lazySchema(() =>
  z.object({
    requestId: z.string().min(1).max(64),
    decision: z.enum(RELAYABLE_DECISIONS),
  }),
);

/** Swarm instance → peer, after the start. */
export const TO_WORKER = ['work.go', 'work.stop', 'work.answer'] as const;
/** Peer → swarm instance. */
export const FROM_WORKER = [
  'work.accepted',
  'work.refused',
  'work.gate',
  'work.model',
  'work.text',
  'work.toolCall',
  'work.tool',
  'work.permission',
  'work.permissionResolved',
  'work.usage',
  'work.retrying',
  'work.done',
  'work.failed',
] as const;
