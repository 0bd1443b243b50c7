import { z } from 'zod';
import { labApplyResultSchema, labReportSchema, labSchema } from './lab-entities.js';

const labId = z.string().regex(/^lab-[0-9a-f]{12}$/, 'a lab id looks like lab-0123456789ab');

/** The Lab: dry runs in a copy-on-write workspace, reviewed as a changeset, applied or discarded. */
export const labMethods = {
  /** The labs, newest first; of one conversation when given. */
  'labs.list': {
    params: z.object({ conversationId: z.string().min(1).max(64).optional() }).optional(),
    result: z.object({ labs: z.array(labSchema) }),
  },
  /** A lab's report: every change with its diff, each command's output, the network attempts. */
  'labs.report': {
    params: z.object({ id: labId }),
    result: labReportSchema,
  },
  /** Applies all the lab's changes, or only `paths` (one audited act); the rest are rejected. */
  'labs.apply': {
    params: z.object({ id: labId, paths: z.array(z.string().min(1).max(4096)).max(100_000).optional() }),
    result: labApplyResultSchema,
  },
  /** Throws the lab away: its upper layer is removed, the workspace untouched. */
  'labs.discard': {
    params: z.object({ id: labId }),
    result: z.object({ lab: labSchema }),
  },
} as const;

export const labEvents = {
  /** A lab opened, ran a command, filled up, or was applied or discarded. */
  'lab.updated': z.object({ lab: labSchema }),
};
