import { z } from 'zod';
import { errorShapeSchema } from './frames.js';
import { swarmMachineSchema } from './mesh-entities.js';
import { lazySchema } from './lazy-schema.js';

/** A run's life: planning (the coordinator splits the task), running, reviewing, and an end. */
export const SWARM_RUN_STATUSES = [
  'planning',
  'running',
  'paused',
  'reviewing',
  'done',
  'failed',
  'stopped',
] as const;
export const SWARM_AGENT_ROLES = ['coordinator', 'worker', 'reviewer'] as const;
/**
 * An agent's state. `waiting`: spawned, waiting on the subtasks it depends on or a free slot;
 * `thinking`: the model is answering; `tool`: a tool call runs; `permission`: a tool call waits
 * for the owner; `retrying`: failed once, about to try again.
 */
export const SWARM_AGENT_STATUSES = [
  'waiting',
  'thinking',
  'tool',
  'permission',
  'retrying',
  'done',
  'failed',
  'stopped',
] as const;
export const SWARM_MESSAGE_KINDS = ['task', 'delegate', 'result', 'review', 'revise', 'final'] as const;

export type SwarmRunStatus = (typeof SWARM_RUN_STATUSES)[number];
export type SwarmAgentRole = (typeof SWARM_AGENT_ROLES)[number];
export type SwarmAgentStatus = (typeof SWARM_AGENT_STATUSES)[number];
export type SwarmMessageKind = (typeof SWARM_MESSAGE_KINDS)[number];

/** What one swarm may spend in all, across its agents. */
export const swarmBudgetSchema = lazySchema(() =>
  z.object({
    /** Agents spawned in all (coordinator, workers, retries and reviewer included). */
    maxAgents: z.number().int().min(3).max(500),
    tokens: z.number().int().min(1_000).max(50_000_000),
    costUsd: z.number().min(0).max(1_000),
    toolCalls: z.number().int().min(0).max(10_000),
    wallTimeMs: z
      .number()
      .int()
      .min(10_000)
      .max(24 * 3_600_000),
    /** Workers running at once. */
    concurrency: z.number().int().min(1).max(32),
  }),
);
export type SwarmBudget = z.infer<typeof swarmBudgetSchema>;

export const DEFAULT_SWARM_BUDGET: SwarmBudget = {
  maxAgents: 12,
  tokens: 400_000,
  costUsd: 2,
  toolCalls: 80,
  wallTimeMs: 20 * 60_000,
  concurrency: 3,
};

export const swarmUsageSchema = lazySchema(() =>
  z.object({
    agents: z.number().int().nonnegative(),
    tokens: z.number().int().nonnegative(),
    costUsd: z.number().nonnegative(),
    toolCalls: z.number().int().nonnegative(),
    /** Some agent ran on a model without a known price: costUsd leaves its spending out. */
    costUnknown: z.boolean().optional(),
  }),
);
export type SwarmUsage = z.infer<typeof swarmUsageSchema>;

export const swarmRunSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    conversationId: z.string(),
    /** The assistant message the run belongs to: its card shows there and its answer lands in it. */
    messageId: z.string(),
    task: z.string(),
    status: z.enum(SWARM_RUN_STATUSES),
    providerId: z.string(),
    model: z.string(),
    budget: swarmBudgetSchema,
    usage: swarmUsageSchema,
    finalAnswer: z.string().nullable(),
    error: errorShapeSchema.nullable(),
    createdAt: z.number(),
    endedAt: z.number().nullable(),
  }),
);
export type SwarmRun = z.infer<typeof swarmRunSchema>;

export const swarmAgentSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    runId: z.string(),
    role: z.enum(SWARM_AGENT_ROLES),
    /** Short name of what it does ("Coordinator", "Collect the facts", …). */
    title: z.string(),
    /** The instructions it was given. */
    instructions: z.string(),
    /** The plan's subtask id for workers; null for the coordinator and the reviewer. */
    subtaskId: z.string().nullable(),
    /** Agents whose results this one waits for. */
    dependsOn: z.array(z.string()),
    /** Who spawned it (the coordinator for workers and the reviewer); a retry's parent is the failed attempt. */
    parentId: z.string().nullable(),
    providerId: z.string(),
    model: z.string(),
    /** Where it runs: absent or a null peerId for this instance, else a paired peer of the mesh. */
    machine: swarmMachineSchema.optional(),
    status: z.enum(SWARM_AGENT_STATUSES),
    attempt: z.number().int().positive(),
    tokens: z.number().int().nonnegative(),
    costUsd: z.number().nonnegative(),
    toolCalls: z.number().int().nonnegative(),
    /** Its answer so far (its transcript's text). */
    output: z.string(),
    error: errorShapeSchema.nullable(),
    createdAt: z.number(),
    startedAt: z.number().nullable(),
    endedAt: z.number().nullable(),
  }),
);
export type SwarmAgent = z.infer<typeof swarmAgentSchema>;

export const swarmSubtaskSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    title: z.string(),
    dependsOn: z.array(z.string()),
  }),
);

const eventBase = {
  runId: lazySchema(() => z.string()),
  seq: lazySchema(() => z.number().int().positive()),
  at: lazySchema(() => z.number()),
};

/**
 * Every change of a run, in order. Stored as they happen, so a past run replays on the graph
 * from these alone.
 */
export const swarmEventSchema = lazySchema(() =>
  z.discriminatedUnion('type', [
    z.object({
      ...eventBase,
      type: z.literal('run.status'),
      status: z.enum(SWARM_RUN_STATUSES),
      error: errorShapeSchema.nullable(),
    }),
    z.object({ ...eventBase, type: z.literal('run.planned'), subtasks: z.array(swarmSubtaskSchema) }),
    z.object({ ...eventBase, type: z.literal('run.final'), text: z.string() }),
    z.object({ ...eventBase, type: z.literal('agent.spawned'), agent: swarmAgentSchema }),
    z.object({
      ...eventBase,
      type: z.literal('agent.status'),
      agentId: z.string(),
      status: z.enum(SWARM_AGENT_STATUSES),
      error: errorShapeSchema.nullable(),
    }),
    /** Text the agent produced since the last such event (batched a few times a second). */
    z.object({ ...eventBase, type: z.literal('agent.text'), agentId: z.string(), text: z.string() }),
    z.object({
      ...eventBase,
      type: z.literal('agent.toolCall'),
      agentId: z.string(),
      toolCallId: z.string(),
      toolName: z.string(),
      input: z.unknown(),
    }),
    z.object({
      ...eventBase,
      type: z.literal('agent.toolResult'),
      agentId: z.string(),
      toolCallId: z.string(),
      /** The kernel's final state of the call: done, denied, failed, limit… */
      status: z.string(),
    }),
    /**
     * The agent's model refused a call (a rate limit, an overloaded server): it waits waitMs, as the
     * provider asked or by backoff, then tries again (attempt of maxAttempts).
     */
    z.object({
      ...eventBase,
      type: z.literal('agent.waiting'),
      agentId: z.string(),
      attempt: z.number().int().positive(),
      maxAttempts: z.number().int().positive(),
      waitMs: z.number().int().nonnegative(),
      error: errorShapeSchema,
    }),
    /** One of the agent's tool calls waits for the owner's decision. */
    z.object({
      ...eventBase,
      type: z.literal('agent.permission'),
      agentId: z.string(),
      requestId: z.string(),
      toolCallId: z.string(),
      display: z.string(),
    }),
    /**
     * Where the agent runs from now on: placed on a machine (by the plan, its model or load), or
     * moved to another after a fault, with the reason ("desktop stopped answering").
     */
    z.object({
      ...eventBase,
      type: z.literal('agent.placed'),
      agentId: z.string(),
      machine: swarmMachineSchema,
      from: swarmMachineSchema.nullable(),
      reason: z.string().nullable(),
    }),
    /** The agent's totals so far and the run's. */
    z.object({
      ...eventBase,
      type: z.literal('agent.usage'),
      agentId: z.string(),
      tokens: z.number().int().nonnegative(),
      costUsd: z.number().nonnegative(),
      toolCalls: z.number().int().nonnegative(),
      run: swarmUsageSchema,
    }),
    /** A message between agents (or from the owner: `from` null). */
    z.object({
      ...eventBase,
      type: z.literal('agent.message'),
      from: z.string().nullable(),
      to: z.string().nullable(),
      kind: z.enum(SWARM_MESSAGE_KINDS),
      text: z.string(),
    }),
  ]),
);
export type SwarmEvent = z.infer<typeof swarmEventSchema>;
export type SwarmEventType = SwarmEvent['type'];

/** An agent's request, made through its `propose_swarm` tool, to run a task as a swarm. */
export const swarmProposalSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    conversationId: z.string(),
    messageId: z.string(),
    task: z.string(),
    /** The agent's reason (untrusted text, shown as such). */
    reason: z.string().nullable(),
    createdAt: z.number(),
  }),
);
export type SwarmProposal = z.infer<typeof swarmProposalSchema>;
