import { z } from 'zod';
import { labApplyResultSchema, labReportSchema, labSchema } from './lab-entities.js';
import { lazySchema } from './lazy-schema.js';

const labId = lazySchema(() =>
  z.string().regex(/^lab-[0-9a-f]{12}$/, 'a lab id looks like lab-0123456789ab'),
);

/** The Lab: dry runs in a copy-on-write workspace, reviewed as a changeset, applied or discarded. */
export const labMethods = {
  /** The labs, newest first; of one conversation when given. */
  'labs.list': {
    params: lazySchema(() => z.object({ conversationId: z.string().min(1).max(64).optional() }).optional()),
    result: lazySchema(() => z.object({ labs: z.array(labSchema) })),
  },
  /** A lab's report: every change with its diff, each command's output, the network attempts. */
  'labs.report': {
    params: lazySchema(() => z.object({ id: labId })),
    result: labReportSchema,
  },
  /** Applies all the lab's changes, or only `paths` (one audited act); the rest are rejected. */
  'labs.apply': {
    params: lazySchema(() =>
      z.object({ id: labId, paths: z.array(z.string().min(1).max(4096)).max(100_000).optional() }),
    ),
    result: labApplyResultSchema,
  },
  /** Throws the lab away: its upper layer is removed, the workspace untouched. */
  'labs.discard': {
    params: lazySchema(() => z.object({ id: labId })),
    result: lazySchema(() => z.object({ lab: labSchema })),
  },
} as const;

export const labEvents = {
  /** A lab opened, ran a command, filled up, or was applied or discarded. */
  'lab.updated': lazySchema(() => z.object({ lab: labSchema })),
};
