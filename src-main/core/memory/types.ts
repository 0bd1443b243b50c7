/**
 * The memory subsystem's internal contracts. Retrieval (memory/retrieval/) ranks memories and
 * past messages for a query; the memory service (memory/memory-service.ts) owns the memories,
 * the daemon and context synthesis, and uses retrieval.
 */
import type { Memory } from '../protocol/memory-entities.js';

/** Turns texts into unit-length vectors. The built-in one needs no download. */
export interface Embedder {
  /** Stable id stored beside each vector ("hash-256-v1", "openai:text-embedding-3-small"). */
  readonly id: string;
  readonly dims: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}

export interface RetrieveOptions {
  /** How many of each kind to return. */
  k: number;
  /** "Now" for recency and relative dates ("last week"); defaults to Date.now(). */
  now?: number;
  /** Leave this conversation's messages out (its recent turns are in the context already). */
  excludeConversationId?: string;
  /** BM25 only (the benchmark's baseline) or the full hybrid. */
  mode?: 'bm25' | 'hybrid';
}

export interface ScoredMemory {
  memory: Memory;
  score: number;
  /** For people: "matches “Lisbon”", "similar meaning", "pinned", "about 2023-05-07". */
  why: string;
}

export interface ScoredMessage {
  conversationId: string;
  messageId: string;
  index: number;
  role: 'user' | 'assistant';
  content: string;
  createdAt: number;
  score: number;
  why: string;
}

export interface Retrieval {
  retrieve(
    query: string,
    options: RetrieveOptions,
  ): Promise<{ memories: ScoredMemory[]; messages: ScoredMessage[] }>;
  /** Index (embed) what is new or changed; cheap when nothing is. Called by the daemon and after writes. */
  indexPending(limit?: number): Promise<number>;
}
