import { z } from 'zod';
import {
  AUTOMATION_TOOLS,
  MISSED_POLICIES,
  automationBudgetSchema,
  automationNameSchema,
  automationRunSchema,
  hookRowSchema,
  hookSchema,
  jobRowSchema,
  jobSchema,
  jobTriggerSchema,
  gatewaySettingsSchema,
} from './automation-entities.js';
import { lazySchema } from './lazy-schema.js';

const id = lazySchema(() => z.string().min(1).max(64));
const prompt = lazySchema(() => z.string().trim().min(1).max(20_000));
const secret = lazySchema(() => z.string().trim().min(8, 'at least 8 characters').max(500));

const hookFields = {
  prompt,
  conversationId: id.nullable(),
  auth: lazySchema(() => z.enum(['hmac', 'bearer'])),
  tools: lazySchema(() => z.enum(AUTOMATION_TOOLS)),
  budget: automationBudgetSchema,
  ratePerMinute: lazySchema(() => z.number().int().min(1).max(6000)),
  maxBodyBytes: lazySchema(() =>
    z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024),
  ),
  paused: lazySchema(() => z.boolean()),
};

const jobFields = {
  prompt,
  trigger: jobTriggerSchema,
  missed: lazySchema(() => z.enum(MISSED_POLICIES)),
  tools: lazySchema(() => z.enum(AUTOMATION_TOOLS)),
  budget: automationBudgetSchema,
  paused: lazySchema(() => z.boolean()),
};

/** Hooks, jobs and their runs: the same store `cell0 hooks …` and `cell0 jobs …` use. */
export const automationMethods = {
  'automations.list': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() =>
      z.object({
        hooks: z.array(hookRowSchema),
        jobs: z.array(jobRowSchema),
        /** Where deliveries go: `http://ADDRESS:PORT/hooks/NAME`; null when the gateway is not listening. */
        hookBase: z.string().nullable(),
      }),
    ),
  },
  /** A hook; without a secret one is made and returned once (it is in the keychain, never shown again). */
  'hooks.add': {
    params: lazySchema(() =>
      z
        .object(hookFields)
        .partial()
        .extend({ name: automationNameSchema, prompt, secret: secret.optional() }),
    ),
    result: lazySchema(() =>
      z.object({ hook: hookSchema, secret: z.string().nullable(), url: z.string().nullable() }),
    ),
  },
  'hooks.update': {
    params: lazySchema(() => z.object(hookFields).partial().extend({ id, secret: secret.optional() })),
    result: hookSchema,
  },
  'hooks.remove': {
    params: lazySchema(() => z.object({ id })),
    result: lazySchema(() => z.object({ ok: z.literal(true) })),
  },
  /** A job; its conversation is made with it. The next five runs come back to be shown. */
  'jobs.add': {
    params: lazySchema(() =>
      z.object(jobFields).partial().extend({ name: automationNameSchema, prompt, trigger: jobTriggerSchema }),
    ),
    result: lazySchema(() => z.object({ job: jobSchema, nextRuns: z.array(z.number()) })),
  },
  'jobs.update': {
    params: lazySchema(() => z.object(jobFields).partial().extend({ id })),
    result: jobSchema,
  },
  'jobs.remove': {
    params: lazySchema(() => z.object({ id })),
    result: lazySchema(() => z.object({ ok: z.literal(true) })),
  },
  /** Runs a job now (by id or name), outside its schedule; refused BUSY while a run of it is going. */
  'jobs.run': { params: lazySchema(() => z.object({ id })), result: automationRunSchema },
  /** When a trigger would fire next (what the form shows while one is typed). */
  'jobs.preview': {
    params: lazySchema(() => z.object({ trigger: jobTriggerSchema })),
    result: lazySchema(() => z.object({ nextRuns: z.array(z.number()) })),
  },
  'automations.runs': {
    params: lazySchema(() =>
      z.object({ automationId: id, limit: z.number().int().min(1).max(200).optional() }),
    ),
    result: lazySchema(() => z.object({ runs: z.array(automationRunSchema) })),
  },
  /** Where the gateway listens, and where it listens now (a change applies at the next start). */
  'gateway.settings': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() => z.object({ settings: gatewaySettingsSchema, listening: z.string().nullable() })),
  },
  'gateway.setSettings': {
    params: gatewaySettingsSchema,
    result: lazySchema(() => z.object({ settings: gatewaySettingsSchema, listening: z.string().nullable() })),
  },
} as const;

export const automationEvents = {
  'automations.changed': lazySchema(() => z.object({})),
  /** A run was queued, started, waits for permission, or ended. */
  'automation.run': lazySchema(() => z.object({ run: automationRunSchema })),
} as const;
