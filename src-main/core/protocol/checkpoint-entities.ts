import { z } from 'zod';
import { lazySchema } from './lazy-schema.js';

/** The boundaries the checkpoint audit tries, in the order the table shows them. */
export const CHECKPOINT_GROUPS = [
  'sandbox',
  'secrets',
  'identity',
  'audit',
  'storage',
  'gateway',
  'channels',
  'mcp',
  'permissions',
  'providers',
  'network',
  'desktop',
] as const;
export const checkpointGroupSchema = lazySchema(() => z.enum(CHECKPOINT_GROUPS));
export type CheckpointGroup = z.infer<typeof checkpointGroupSchema>;

export const CHECKPOINT_STATUSES = ['PASS', 'WARN', 'FAIL', 'SKIP'] as const;
export const checkpointStatusSchema = lazySchema(() => z.enum(CHECKPOINT_STATUSES));
export type CheckpointStatus = z.infer<typeof checkpointStatusSchema>;

/** Where in Settings a failing checkpoint is put right (the renderer links there). */
export const CHECKPOINT_SETTINGS = [
  'models',
  'instance',
  'permissions',
  'channels',
  'mcp',
  'mesh',
  'security',
] as const;
export const checkpointSettingSchema = lazySchema(() => z.enum(CHECKPOINT_SETTINGS));

/** One checkpoint as it came out of one run. */
export const checkpointResultSchema = lazySchema(() =>
  z.object({
    /** Stable: `group.name`, the same in every run and every build. */
    id: z.string(),
    group: checkpointGroupSchema,
    title: z.string(),
    /** Why this boundary matters, in one line. */
    why: z.string(),
    status: checkpointStatusSchema,
    /** What the probe saw. */
    detail: z.string(),
    /** What to do about a WARN or FAIL; null when there is nothing to do. */
    fix: z.string().nullable(),
    setting: checkpointSettingSchema.nullable(),
    durationMs: z.number(),
  }),
);
export type CheckpointResult = z.infer<typeof checkpointResultSchema>;

export const checkpointCountsSchema = lazySchema(() =>
  z.object({
    PASS: z.number().int(),
    WARN: z.number().int(),
    FAIL: z.number().int(),
    SKIP: z.number().int(),
  }),
);
export type CheckpointCounts = z.infer<typeof checkpointCountsSchema>;

/** A whole run: what `cell0 checkpoints --json` prints and Settings → Security shows. */
export const checkpointReportSchema = lazySchema(() =>
  z.object({
    startedAt: z.number(),
    durationMs: z.number(),
    /** Who ran it: the command against the data directory, or the running app with its services. */
    runner: z.enum(['cli', 'desktop', 'serve']),
    only: checkpointGroupSchema.nullable(),
    counts: checkpointCountsSchema,
    /** What --fix changed, one line each (empty without it). */
    fixed: z.array(z.string()),
    checkpoints: z.array(checkpointResultSchema),
  }),
);
export type CheckpointReport = z.infer<typeof checkpointReportSchema>;
