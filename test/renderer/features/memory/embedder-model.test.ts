import { describe, expect, it } from 'vitest';
import type { EmbeddingStatus, Provider } from '../../../../src-main/core/protocol/index.js';
import {
  choiceFrom,
  describeEmbedding,
  embedderSources,
  sameChoice,
  sourceOf,
} from '../../../../src-renderer/features/memory/embedder-model.js';
import { describeMemoryStatus } from '../../../../src-renderer/lib/memory-status-wording.js';

const provider = (id: string, kind: Provider['kind'], name: string): Provider => ({
  id,
  kind,
  name,
  baseUrl: 'http://127.0.0.1:1/v1',
  hasApiKey: false,
  defaultModel: null,
  local: false,
});

function status(patch: Partial<EmbeddingStatus> = {}): EmbeddingStatus {
  return {
    choice: { kind: 'provider', providerId: 'ollama', model: 'nomic-embed-text' },
    activeId: 'hash-384-v1',
    activeLabel: 'Built-in (no download)',
    state: 'ready',
    progress: null,
    error: null,
    ...patch,
  };
}

describe('embedder settings model', () => {
  it('offers the built-in embedder first and Anthropic only as a disabled, explained entry', () => {
    const sources = embedderSources([
      provider('ollama', 'openai-compatible', 'Ollama'),
      provider('anthropic', 'anthropic', 'Anthropic'),
    ]);
    expect(sources).toEqual([
      { value: 'built-in', label: 'Built-in (no download)', disabled: false },
      { value: 'ollama', label: 'Ollama', disabled: false },
      { value: 'anthropic', label: 'Anthropic (no embeddings API)', disabled: true },
    ]);
  });

  it('builds a choice only when a provider has a model name, trimmed', () => {
    expect(choiceFrom('built-in', '')).toEqual({ kind: 'built-in' });
    expect(choiceFrom('ollama', '   ')).toBeNull();
    expect(choiceFrom('ollama', ' nomic-embed-text ')).toEqual({
      kind: 'provider',
      providerId: 'ollama',
      model: 'nomic-embed-text',
    });
    expect(sameChoice({ kind: 'built-in' }, { kind: 'built-in' })).toBe(true);
    expect(
      sameChoice(
        { kind: 'provider', providerId: 'a', model: 'x' },
        { kind: 'provider', providerId: 'a', model: 'y' },
      ),
    ).toBe(false);
  });

  it('shows re-index progress as done of total', () => {
    const w = describeEmbedding(status({ state: 'reindexing', progress: { done: 30, total: 120 } }));
    expect(w.progress).toEqual({ done: 30, total: 120, fraction: 0.25 });
    expect(w.summary).toBe(
      'Re-indexing memories for nomic-embed-text. Searches use Built-in (no download) until it is done.',
    );
    expect(w.retry).toBe(false);
  });

  it('says a failed re-index kept the memories and offers a retry', () => {
    const w = describeEmbedding(
      status({
        state: 'failed',
        error: { code: 'PROVIDER_UNREACHABLE', message: 'Could not reach the server.' },
      }),
    );
    expect(w.tone).toBe('error');
    expect(w.retry).toBe(true);
    expect(w.summary).toContain('Could not reach the server.');
    expect(w.summary).toContain('memories are safe');
  });

  it('says why a fallback happened and that the choice is kept', () => {
    const w = describeEmbedding(
      status({
        state: 'fallback',
        error: { code: 'KEYCHAIN_UNAVAILABLE', message: 'The keychain is locked.' },
      }),
    );
    expect(w.tone).toBe('warning');
    expect(w.summary).toBe(
      'nomic-embed-text cannot be used now: The keychain is locked. Searches use Built-in (no download) meanwhile; your choice is kept.',
    );
  });

  it('puts a re-index in the status bar while the daemon is idle', () => {
    const daemon = {
      state: 'idle' as const,
      task: null,
      progress: null,
      tokensToday: 0,
      budgetPerDay: 1000,
      lastError: null,
      lastRunAt: null,
      failures: [],
    };
    const w = describeMemoryStatus(daemon, status({ state: 'reindexing', progress: { done: 1, total: 4 } }));
    expect(w.label).toBe('Memory: re-indexing 1/4');
    expect(w.progress).toBe(0.25);
    expect(describeMemoryStatus(daemon, status()).label).toBe('Memory: idle');
  });
});

describe('embedding models on this computer as a source', () => {
  it('lists them after the built-in one, and not the provider of this computer’s chat models', () => {
    const local = {
      id: 'local',
      kind: 'local' as const,
      name: 'This computer',
      baseUrl: 'local:x',
      hasApiKey: false,
      defaultModel: 'x',
      local: true,
    };
    const sources = embedderSources([local], [{ name: 'bge-small-en-v1.5', label: 'BGE small' }]);
    expect(sources.map((s) => s.value)).toEqual(['built-in', 'local:bge-small-en-v1.5']);
    expect(sources[1]!.label).toBe('This computer · BGE small');
    expect(choiceFrom('local:bge-small-en-v1.5', '')).toEqual({ kind: 'local', model: 'bge-small-en-v1.5' });
    expect(sourceOf({ kind: 'local', model: 'bge-small-en-v1.5' })).toBe('local:bge-small-en-v1.5');
  });
});
