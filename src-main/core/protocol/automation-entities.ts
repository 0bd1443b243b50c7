import { z } from 'zod';
import { errorShapeSchema } from './frames.js';
import { lazySchema } from './lazy-schema.js';

/** Names are what `cell0 hooks add NAME` and `POST /hooks/NAME` take. */
export const automationNameSchema = lazySchema(() =>
  z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'lower-case letters, digits, dashes and underscores, up to 48'),
);

/** What a run may do with tools: ask the owner for each (the default), or have none at all. */
export const AUTOMATION_TOOLS = ['ask', 'off'] as const;

/** What one run may spend, like a chat reply's budget but the automation's own. */
export const automationBudgetSchema = lazySchema(() =>
  z.object({
    steps: z.number().int().min(1).max(200),
    tokens: z.number().int().min(1000).max(10_000_000),
    toolCalls: z.number().int().min(0).max(1000),
    wallTimeMs: z
      .number()
      .int()
      .min(10_000)
      .max(6 * 3600_000),
  }),
);
export type AutomationBudget = z.infer<typeof automationBudgetSchema>;

export const DEFAULT_AUTOMATION_BUDGET: AutomationBudget = {
  steps: 12,
  tokens: 100_000,
  toolCalls: 20,
  wallTimeMs: 10 * 60_000,
};

export const hookSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    name: automationNameSchema,
    /** The prompt, with `{{ $.json.path }}` fields filled from each delivery's payload. */
    prompt: z.string(),
    /** Every delivery in this conversation, or null for a fresh conversation per delivery. */
    conversationId: z.string().nullable(),
    /** HMAC-SHA256 (GitHub's header or Standard Webhooks'), or a bearer secret. The secret is in the keychain. */
    auth: z.enum(['hmac', 'bearer']),
    tools: z.enum(AUTOMATION_TOOLS),
    budget: automationBudgetSchema,
    ratePerMinute: z.number().int().min(1).max(6000),
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024),
    paused: z.boolean(),
    createdAt: z.number(),
  }),
);
export type Hook = z.infer<typeof hookSchema>;

export const jobTriggerSchema = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('cron'), expr: z.string().trim().min(1).max(200), tz: z.string().nullable() }),
    z.object({ kind: z.literal('every'), minutes: z.number().int().min(1).max(525_600) }),
    z.object({ kind: z.literal('once'), at: z.number().int() }),
  ]),
);
export type JobTrigger = z.infer<typeof jobTriggerSchema>;

/** After sleep or shutdown: runs missed are dropped, or made up by one run. */
export const MISSED_POLICIES = ['skip', 'run-once'] as const;

export const jobSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    name: automationNameSchema,
    prompt: z.string(),
    trigger: jobTriggerSchema,
    /** Where its runs happen: one conversation per job, made when it is added. */
    conversationId: z.string(),
    missed: z.enum(MISSED_POLICIES),
    tools: z.enum(AUTOMATION_TOOLS),
    budget: automationBudgetSchema,
    paused: z.boolean(),
    createdAt: z.number(),
    /** The next time it fires (ms), or null: paused, or a one-shot that has fired. */
    nextRunAt: z.number().nullable(),
  }),
);
export type Job = z.infer<typeof jobSchema>;

export const RUN_STATUSES = [
  'queued',
  'running',
  'waiting',
  'complete',
  'error',
  'stopped',
  'skipped',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const automationRunSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    kind: z.enum(['hook', 'job']),
    automationId: z.string(),
    name: z.string(),
    /** What started it: a delivery, the schedule, a run made up after sleep, or the owner's Run now. */
    trigger: z.enum(['delivery', 'schedule', 'missed', 'manual']),
    deliveryId: z.string().nullable(),
    conversationId: z.string().nullable(),
    messageId: z.string().nullable(),
    /** waiting: a tool call waits for the owner's permission. */
    status: z.enum(RUN_STATUSES),
    error: errorShapeSchema.nullable(),
    queuedAt: z.number(),
    startedAt: z.number().nullable(),
    endedAt: z.number().nullable(),
  }),
);
export type AutomationRun = z.infer<typeof automationRunSchema>;

/** A row of the Automations view: the automation and how it last went. */
export const hookRowSchema = lazySchema(() => hookSchema.extend({ lastRun: automationRunSchema.nullable() }));
export const jobRowSchema = lazySchema(() => jobSchema.extend({ lastRun: automationRunSchema.nullable() }));

/** Where the gateway (hooks, paired devices, the browser UI of `serve`) listens. */
export const gatewaySettingsSchema = lazySchema(() =>
  z.object({
    /** 127.0.0.1 unless the owner opts into another address (a LAN address, 0.0.0.0): shown with a warning. */
    bindAddress: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]),
    port: z.number().int().min(0).max(65535),
  }),
);
export type GatewaySettings = z.infer<typeof gatewaySettingsSchema>;

export const DEFAULT_GATEWAY_SETTINGS: GatewaySettings = { bindAddress: '127.0.0.1', port: 7340 };
