import { z } from 'zod';
import {
  catalogEntrySchema,
  localModelNameSchema,
  localModelSchema,
  machineSchema,
} from './local-model-entities.js';
import { lazySchema } from './lazy-schema.js';

/** The requests for models that run on this computer: the catalog, downloads, removal. */
export const localModelMethods = {
  /** The catalog, and what this computer offers (memory, accelerator, disk) with the models that fit it. */
  'localModels.catalog': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() => z.object({ entries: z.array(catalogEntrySchema), machine: machineSchema })),
  },
  'localModels.list': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() => z.object({ models: z.array(localModelSchema) })),
  },
  /**
   * Starts (or resumes) a download in the background and answers at once; progress arrives as
   * `localModel.updated`. `name` alone pulls a catalog model; `source` is any GGUF URL or a path
   * to a GGUF file on this computer, with `name` naming it.
   */
  'localModels.pull': {
    params: lazySchema(() =>
      z.object({
        name: localModelNameSchema.optional(),
        source: z.string().trim().min(1).max(4096).optional(),
      }),
    ),
    result: localModelSchema,
  },
  /** Pauses a download; the part already received stays and `pull` resumes from it. */
  'localModels.pause': {
    params: lazySchema(() => z.object({ name: localModelNameSchema })),
    result: localModelSchema,
  },
  /** Stops it if it is running or downloading and deletes its files. */
  'localModels.remove': {
    params: lazySchema(() => z.object({ name: localModelNameSchema })),
    result: lazySchema(() => z.object({ name: z.string() })),
  },
} as const;

export const localModelEvents = {
  /** A local model changed: download progress, verified, failed, loaded or unloaded. */
  'localModel.updated': lazySchema(() => z.object({ model: localModelSchema })),
  'localModel.removed': lazySchema(() => z.object({ name: z.string() })),
} as const;
