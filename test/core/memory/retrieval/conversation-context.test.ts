import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src-main/core/base/logger.js';
import { namesIn, speakerFactor } from '../../../../src-main/core/memory/retrieval/conversation-context.js';
import { HybridRetrieval } from '../../../../src-main/core/memory/retrieval/hybrid-retrieval.js';
import { openSeededStorage } from './seed.js';

describe('who is speaking', () => {
  it('lifts the turn of the person a question names, and the owner for "I"', () => {
    expect(speakerFactor('What did Melanie paint?', 'Melanie: I painted a sunset.', 'user')).toBeGreaterThan(
      1,
    );
    expect(speakerFactor('What did Melanie paint?', 'Caroline: I love your painting!', 'assistant')).toBe(1);
    expect(speakerFactor('What did I say about the trip?', 'The trip is in May.', 'user')).toBeGreaterThan(1);
    expect(speakerFactor('What did I say about the trip?', 'The trip is in May.', 'assistant')).toBe(1);
    expect(
      speakerFactor('What did you suggest for dinner?', 'Try the ramen place.', 'assistant'),
    ).toBeGreaterThan(1);
  });

  it('finds names in a question, possessives included, not question words', () => {
    expect(namesIn("When did Caroline's brother visit Porto?")).toEqual(['Caroline', 'Porto']);
    expect(namesIn('What did I plant?')).toEqual([]);
  });
});

describe('lexical retrieval in conversations that write who speaks', () => {
  let store: Awaited<ReturnType<typeof openSeededStorage>>;
  let retrieval: HybridRetrieval;

  beforeEach(async () => {
    store = await openSeededStorage();
    retrieval = new HybridRetrieval({ db: store.db, logger: silentLogger });
    await retrieval.start();
  });
  afterEach(async () => {
    await retrieval.stop();
    await store.close();
  });

  it('answers "What did Melanie paint?" with Melanie’s turn, not a reply that only names her', async () => {
    const turns = [
      'Caroline: Hi Melanie, how was your week?',
      'Melanie: Busy! I painted a sunset over the lake on Sunday.',
      'Caroline: Melanie, I love that painting, you are so talented.',
      'Caroline: Melanie, your painting reminds me of the painting class we took.',
      'Melanie: Thanks. The kids want to try it next.',
    ];
    for (const [i, content] of turns.entries()) {
      await store.addMessage({
        conversationId: 'c1',
        id: `m${i}`,
        content,
        role: i % 2 === 0 ? 'user' : 'assistant',
      });
    }
    await retrieval.indexPending();
    for (const mode of ['bm25', 'hybrid'] as const) {
      const { messages } = await retrieval.retrieve('What did Melanie paint?', {
        k: 3,
        now: store.base,
        mode,
      });
      expect(messages[0]?.messageId, mode).toBe('m1');
    }
  });
});
