import { z } from 'zod';
import { errorShapeSchema } from './frames.js';
import { lazySchema } from './lazy-schema.js';

/** A model name as the owner types it (`cell0 models pull NAME`, `local:NAME`): also its file name. */
export const localModelNameSchema = lazySchema(() =>
  z
    .string()
    .trim()
    .min(1)
    .max(80)
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, dots, dashes and underscores'),
);

export const LOCAL_MODEL_KINDS = ['chat', 'embedding'] as const;

/** One model the catalog offers (resources/model-catalog.json). */
export const catalogEntrySchema = lazySchema(() =>
  z.object({
    name: localModelNameSchema,
    label: z.string().min(1).max(120),
    kind: z.enum(LOCAL_MODEL_KINDS),
    description: z.string().max(400),
    /** Where the GGUF file is downloaded from. */
    url: z.string().url(),
    sizeBytes: z.number().int().positive(),
    /** Memory the model needs to run with a working context (weights plus KV cache), in bytes. */
    memoryBytes: z.number().int().positive(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    licence: z.string().min(1).max(80),
    licenceUrl: z.string().url(),
    /** The page the file is published on, for people to check. */
    sourcePage: z.string().url(),
  }),
);

export const DOWNLOAD_STATES = ['downloading', 'paused', 'verifying', 'ready', 'failed'] as const;

export const downloadProgressSchema = lazySchema(() =>
  z.object({
    receivedBytes: z.number().int().nonnegative(),
    /** null when the server did not say how big the file is. */
    totalBytes: z.number().int().nonnegative().nullable(),
    bytesPerSecond: z.number().nonnegative(),
    /** null while the speed or the size is unknown. */
    secondsLeft: z.number().nonnegative().nullable(),
  }),
);

/** What the runtime is doing with a model: loaded on first use, unloaded after an idle time. */
export const runtimeStateSchema = lazySchema(() =>
  z.object({
    state: z.enum(['unloaded', 'loading', 'loaded']),
    /** The context size chosen from free memory when it was loaded. */
    contextSize: z.number().int().positive().nullable(),
  }),
);

/** A model on this computer (or on its way there). */
export const localModelSchema = lazySchema(() =>
  z.object({
    name: localModelNameSchema,
    label: z.string(),
    kind: z.enum(LOCAL_MODEL_KINDS),
    state: z.enum(DOWNLOAD_STATES),
    /** The URL or the file it came from. */
    source: z.string(),
    sizeBytes: z.number().int().nonnegative().nullable(),
    /** Expected SHA-256 (from the catalog), or the one computed when none was published. */
    sha256: z.string().nullable(),
    /** Whether the file matched a published checksum (false for a URL or a file added by hand). */
    checksumPublished: z.boolean(),
    progress: downloadProgressSchema.nullable(),
    error: errorShapeSchema.nullable(),
    /** Read from the file once it is complete. */
    architecture: z.string().nullable(),
    trainedContext: z.number().int().nullable(),
    /** Whether its chat template declares function calling; null for embedding models and until known. */
    supportsTools: z.boolean().nullable(),
    runtime: runtimeStateSchema,
    addedAt: z.number(),
  }),
);

export const ACCELERATORS = ['cpu', 'metal', 'cuda', 'vulkan'] as const;

/** What this computer offers a model, and which catalog model fits it best. */
export const machineSchema = lazySchema(() =>
  z.object({
    totalMemoryBytes: z.number().int().nonnegative(),
    freeMemoryBytes: z.number().int().nonnegative(),
    /** The best accelerator node-llama-cpp finds here (it may still run on the CPU if its build is missing). */
    accelerator: z.enum(ACCELERATORS),
    freeDiskBytes: z.number().int().nonnegative().nullable(),
    recommendedChat: localModelNameSchema.nullable(),
    recommendedEmbedding: localModelNameSchema.nullable(),
  }),
);

export type CatalogEntry = z.infer<typeof catalogEntrySchema>;
export type LocalModelKind = (typeof LOCAL_MODEL_KINDS)[number];
export type DownloadState = (typeof DOWNLOAD_STATES)[number];
export type DownloadProgress = z.infer<typeof downloadProgressSchema>;
export type RuntimeState = z.infer<typeof runtimeStateSchema>;
export type LocalModel = z.infer<typeof localModelSchema>;
export type Accelerator = (typeof ACCELERATORS)[number];
export type Machine = z.infer<typeof machineSchema>;
