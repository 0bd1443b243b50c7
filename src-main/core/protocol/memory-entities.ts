import { z } from 'zod';
import { errorShapeSchema } from './frames.js';
import { lazySchema } from './lazy-schema.js';

export const MEMORY_KINDS = ['fact', 'preference', 'plan', 'event', 'note', 'summary'] as const;

/** Where a memory came from: the messages it was extracted from (or "owner" for hand-made ones). */
export const memorySourceSchema = lazySchema(() =>
  z.object({ conversationId: z.string(), messageId: z.string() }),
);

export const memorySchema = lazySchema(() =>
  z.object({
    id: z.string(),
    text: z.string(),
    kind: z.enum(MEMORY_KINDS),
    /** 0..1: how much it matters; decays for stale memories, rises when used. */
    importance: z.number().min(0).max(1),
    pinned: z.boolean(),
    /** 'retired' when a newer memory replaced it (kept for history, never retrieved). */
    status: z.enum(['active', 'retired']),
    /** The date the memory is about (ISO yyyy-mm-dd), for "when" questions; null when timeless. */
    eventDate: z.string().nullable(),
    sources: z.array(memorySourceSchema),
    createdBy: z.enum(['daemon', 'agent', 'owner']),
    supersededBy: z.string().nullable(),
    createdAt: z.number(),
    updatedAt: z.number(),
  }),
);

export const searchHitSchema = lazySchema(() =>
  z.object({
    conversationId: z.string(),
    conversationTitle: z.string(),
    messageId: z.string(),
    index: z.number().int(),
    role: z.enum(['user', 'assistant']),
    /** The matching part, with matches wrapped in \u0001 … \u0002 for the UI to highlight. */
    snippet: z.string(),
    createdAt: z.number(),
  }),
);

/** A memory a reply used, and why: what the owner expands under the reply. */
export const usedMemorySchema = lazySchema(() =>
  z.object({
    memoryId: z.string(),
    text: z.string(),
    score: z.number(),
    why: z.string(),
  }),
);

/**
 * A conversation the daemon could not read: retried later with a growing wait, then skipped (its
 * messages stay unread, nothing is lost) until the owner asks for it again.
 */
export const memoryFailureSchema = lazySchema(() =>
  z.object({
    conversationId: z.string(),
    title: z.string(),
    /** What the daemon was doing: reading for memories, or summarising the older part. */
    task: z.enum(['extract', 'summarise']),
    /** The last failure, in words a person can act on (a provider's key is never in it). */
    error: errorShapeSchema,
    attempts: z.number().int().positive(),
    failedAt: z.number(),
    /** When it is tried again; null once it is skipped. */
    retryAt: z.number().nullable(),
    skipped: z.boolean(),
  }),
);

export const daemonStatusSchema = lazySchema(() =>
  z.object({
    state: z.enum(['idle', 'working', 'budget-exhausted', 'no-model', 'error']),
    /** What it is doing, for people: "Extracting memories from “Trip planning”". */
    task: z.string().nullable(),
    progress: z.object({ done: z.number().int(), total: z.number().int() }).nullable(),
    tokensToday: z.number().int().nonnegative(),
    budgetPerDay: z.number().int().nonnegative(),
    lastError: z.string().nullable(),
    lastRunAt: z.number().nullable(),
    /** Conversations whose reading failed, oldest failure first. */
    failures: z.array(memoryFailureSchema),
  }),
);

export const personaSchema = lazySchema(() =>
  z.object({
    name: z.string().min(1).max(60),
    character: z.string().max(4000),
  }),
);

/**
 * Where memory search gets its vectors: the built-in embedder, a provider's embedding model, or
 * an embedding model on this computer (a local model's name).
 */
export const embedderChoiceSchema = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('built-in') }),
    z.object({ kind: z.literal('local'), model: z.string().trim().min(1).max(80) }),
    z.object({
      kind: z.literal('provider'),
      providerId: z.string().min(1).max(64),
      model: z.string().trim().min(1).max(200),
    }),
  ]),
);

/**
 * The embedder as the owner should see it. `ready`: the chosen one answers searches. `reindexing`:
 * a new one is embedding everything in the background while the previous one answers. `failed`:
 * that re-index hit an error; the previous vectors keep answering and it is retried. `fallback`:
 * the chosen provider could not be used (no key, keychain locked, provider removed), so the
 * built-in one answers; the choice itself is kept.
 */
export const embeddingStatusSchema = lazySchema(() =>
  z.object({
    choice: embedderChoiceSchema,
    /** Stored beside each vector: "hash-384-v1", "openai:text-embedding-3-small". */
    activeId: z.string(),
    /** For people: "Built-in (no download)", "OpenAI · text-embedding-3-small". */
    activeLabel: z.string(),
    state: z.enum(['ready', 'reindexing', 'failed', 'fallback']),
    /** Memories and messages that have a vector from the new embedder, while re-indexing. */
    progress: z.object({ done: z.number().int(), total: z.number().int() }).nullable(),
    error: errorShapeSchema.nullable(),
  }),
);

export type MemoryKind = (typeof MEMORY_KINDS)[number];
export type Memory = z.infer<typeof memorySchema>;
export type MemorySource = z.infer<typeof memorySourceSchema>;
export type SearchHit = z.infer<typeof searchHitSchema>;
export type UsedMemory = z.infer<typeof usedMemorySchema>;
export type DaemonStatus = z.infer<typeof daemonStatusSchema>;
export type MemoryFailure = z.infer<typeof memoryFailureSchema>;
export type Persona = z.infer<typeof personaSchema>;
export type EmbedderChoice = z.infer<typeof embedderChoiceSchema>;
export type EmbeddingStatus = z.infer<typeof embeddingStatusSchema>;
