import { z } from 'zod';
import { messageSchema } from './entities.js';
import {
  swarmAgentSchema,
  swarmBudgetSchema,
  swarmEventSchema,
  swarmProposalSchema,
  swarmRunSchema,
} from './swarm-entities.js';
import { lazySchema } from './lazy-schema.js';

const id = lazySchema(() => z.string().min(1).max(64));

/** The swarm requests: start one from the chat, watch it, steer it, replay it. */
export const swarmMethods = {
  /** Runs a task as a swarm in the conversation: the owner's message and the run's message are stored first. */
  'swarm.start': {
    params: lazySchema(() =>
      z.object({
        conversationId: id,
        task: z.string().trim().min(1).max(20_000),
        /** Idempotency key, as for `chat.send`. */
        clientMessageId: z.string().min(1).max(64),
        /** Overrides of the default budget. */
        budget: swarmBudgetSchema.partial().optional(),
        /** "Simulate first": the whole run works in one lab, reviewed once at the end. */
        simulate: z.boolean().optional(),
      }),
    ),
    result: lazySchema(() =>
      z.object({
        run: swarmRunSchema,
        userMessage: messageSchema,
        assistantMessage: messageSchema,
        /** The simulated run's lab. */
        labId: z.string().optional(),
      }),
    ),
  },
  'swarm.list': {
    params: lazySchema(() =>
      z
        .object({ conversationId: id.optional(), limit: z.number().int().min(1).max(500).optional() })
        .optional(),
    ),
    result: lazySchema(() => z.object({ runs: z.array(swarmRunSchema) })),
  },
  'swarm.get': {
    params: lazySchema(() => z.object({ runId: id })),
    result: lazySchema(() => z.object({ run: swarmRunSchema, agents: z.array(swarmAgentSchema) })),
  },
  /** A run's stored events in order, for replay (paged by sequence number). */
  'swarm.events': {
    params: lazySchema(() =>
      z.object({
        runId: id,
        afterSeq: z.number().int().nonnegative().optional(),
        limit: z.number().int().min(1).max(10_000).optional(),
      }),
    ),
    result: lazySchema(() => z.object({ events: z.array(swarmEventSchema), hasMore: z.boolean() })),
  },
  'swarm.stop': {
    params: lazySchema(() => z.object({ runId: id })),
    result: lazySchema(() => z.object({ stopped: z.boolean() })),
  },
  /** Stops one agent; the coordinator carries on with what the others bring. */
  'swarm.stopAgent': {
    params: lazySchema(() => z.object({ runId: id, agentId: id })),
    result: lazySchema(() => z.object({ stopped: z.boolean() })),
  },
  'swarm.pause': {
    params: lazySchema(() => z.object({ runId: id })),
    result: lazySchema(() => z.object({ run: swarmRunSchema })),
  },
  'swarm.resume': {
    params: lazySchema(() => z.object({ runId: id })),
    result: lazySchema(() => z.object({ run: swarmRunSchema })),
  },
  /** Proposals agents made that still wait for the owner. */
  'swarm.proposals': {
    params: lazySchema(() => z.object({ conversationId: id.optional() }).optional()),
    result: lazySchema(() => z.object({ proposals: z.array(swarmProposalSchema) })),
  },
  /** What a swarm may spend unless its start says otherwise. */
  'settings.getSwarmBudget': {
    params: lazySchema(() => z.object({}).optional()),
    result: swarmBudgetSchema,
  },
  'settings.setSwarmBudget': {
    params: swarmBudgetSchema,
    result: swarmBudgetSchema,
  },
  /** The owner's answer to a proposal; accepting starts the run. */
  'swarm.respond': {
    params: lazySchema(() => z.object({ proposalId: id, accept: z.boolean() })),
    result: lazySchema(() => z.object({ run: swarmRunSchema.nullable() })),
  },
} as const;

/** The swarm events. */
export const swarmEvents = {
  /** A run's state or totals changed. */
  'swarm.updated': lazySchema(() => z.object({ run: swarmRunSchema })),
  /** One change inside a run (also stored, for replay). */
  'swarm.event': lazySchema(() => z.object({ event: swarmEventSchema })),
  'swarm.proposed': lazySchema(() => z.object({ proposal: swarmProposalSchema })),
  'swarm.proposalResolved': lazySchema(() =>
    z.object({
      proposalId: z.string(),
      accepted: z.boolean(),
      runId: z.string().nullable(),
    }),
  ),
} as const;
