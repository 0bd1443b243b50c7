import { z } from 'zod';
import { errorShapeSchema } from './frames.js';
import { lazySchema } from './lazy-schema.js';

export const SERVICE_STATES = ['starting', 'ready', 'failed', 'stopped'] as const;

/** One of the core's services as the status bar shows it while it starts in the background. */
export const serviceStatusSchema = lazySchema(() =>
  z.object({
    name: z.string(),
    /** What the owner reads ("memory", "channels", "MCP servers"). */
    label: z.string(),
    state: z.enum(SERVICE_STATES),
    error: errorShapeSchema.nullable(),
  }),
);
export type ServiceStatus = z.infer<typeof serviceStatusSchema>;

export const coreMethods = {
  /** The core's services and how far each has started. */
  'core.status': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() => z.object({ services: z.array(serviceStatusSchema) })),
  },
} as const;

export const coreEvents = {
  /** A service finished starting, failed to, or stopped. */
  'core.status': lazySchema(() => z.object({ services: z.array(serviceStatusSchema) })),
} as const;
