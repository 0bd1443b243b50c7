import { z } from 'zod';
import {
  checkpointGroupSchema,
  checkpointReportSchema,
  checkpointResultSchema,
} from './checkpoint-entities.js';
import { lazySchema } from './lazy-schema.js';

/** Settings → Security: the checkpoint audit, run by the app with its running services. */
export const checkpointMethods = {
  /** Runs every checkpoint (or one group), streaming checkpoints.progress; stores the run as the last one. */
  'checkpoints.run': {
    params: lazySchema(() => z.object({ only: checkpointGroupSchema.optional() }).optional()),
    result: checkpointReportSchema,
  },
  /** The last run (by the app or by `cell0 checkpoints`), or null before the first. */
  'checkpoints.last': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() => z.object({ report: checkpointReportSchema.nullable() })),
  },
} as const;

export const checkpointEvents = {
  /** One checkpoint finished: how many of how many are done. */
  'checkpoints.progress': lazySchema(() =>
    z.object({
      done: z.number().int(),
      total: z.number().int(),
      result: checkpointResultSchema,
    }),
  ),
} as const;
