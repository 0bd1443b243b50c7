import { describe, expect, it } from 'vitest';
import { memoryTools } from '../../../src-main/core/memory/memory-tools.js';
import type { MemoryToolDeps } from '../../../src-main/core/memory/memory-tools.js';

// The description is all this test reads: the tools are built, never called.
const deps = (byMeaning: boolean): MemoryToolDeps => ({
  store: {} as MemoryToolDeps['store'],
  retrieval: {} as MemoryToolDeps['retrieval'],
  audit: { append: async () => undefined } as unknown as MemoryToolDeps['audit'],
  now: () => 0,
  byMeaning,
  kernel: {} as MemoryToolDeps['kernel'],
});
const ctx = { conversationId: 'c', messageId: 'm' };

describe('memory_search says what search can do', () => {
  it('says "by meaning" only when an embedding model answers searches', () => {
    const semantic = memoryTools(deps(true), ctx).memory_search!.description!;
    expect(semantic).toContain('by meaning and words');
  });

  it('with the built-in embedder, says it searches by words and asks for the owner’s words', () => {
    const lexical = memoryTools(deps(false), ctx).memory_search!.description!;
    expect(lexical).not.toContain('meaning');
    expect(lexical).toContain('by words');
  });
});
