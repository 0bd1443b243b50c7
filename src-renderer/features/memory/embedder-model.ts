import type { EmbedderChoice, EmbeddingStatus, Provider } from '../../../src-main/core/protocol/index.js';

export const BUILT_IN_VALUE = 'built-in';

/** One entry of the "Vectors from" menu: the built-in embedder, or a provider (Anthropic disabled). */
export interface EmbedderSource {
  value: string;
  label: string;
  disabled: boolean;
}

/** A source value for an embedding model on this computer. */
export const LOCAL_PREFIX = 'local:';

export function isLocalSource(source: string): boolean {
  return source.startsWith(LOCAL_PREFIX);
}

/**
 * Anthropic has no embeddings API: it is listed, disabled, so its absence is explained rather
 * than odd. Embedding models on this computer come right after the built-in one; the provider
 * for this computer's chat models is not a source (its models are chat models).
 */
export function embedderSources(
  providers: readonly Provider[],
  localModels: readonly { name: string; label: string }[] = [],
): EmbedderSource[] {
  return [
    { value: BUILT_IN_VALUE, label: 'Built-in (no download)', disabled: false },
    ...localModels.map((m) => ({
      value: `${LOCAL_PREFIX}${m.name}`,
      label: `This computer · ${m.label || m.name}`,
      disabled: false,
    })),
    ...providers
      .filter((p) => p.kind !== 'local')
      .map((p) =>
        p.kind === 'anthropic'
          ? { value: p.id, label: `${p.name} (no embeddings API)`, disabled: true }
          : { value: p.id, label: p.name, disabled: false },
      ),
  ];
}

/** The menu value a stored choice shows as. */
export function sourceOf(choice: EmbedderChoice): string {
  if (choice.kind === 'provider') return choice.providerId;
  if (choice.kind === 'local') return `${LOCAL_PREFIX}${choice.model}`;
  return BUILT_IN_VALUE;
}

export function hasAnthropic(providers: readonly Provider[]): boolean {
  return providers.some((p) => p.kind === 'anthropic');
}

/** What the form sends, or null while it is incomplete. */
export function choiceFrom(source: string, model: string): EmbedderChoice | null {
  if (source === BUILT_IN_VALUE) return { kind: 'built-in' };
  if (isLocalSource(source)) return { kind: 'local', model: source.slice(LOCAL_PREFIX.length) };
  const trimmed = model.trim();
  if (source === '' || trimmed === '') return null;
  return { kind: 'provider', providerId: source, model: trimmed };
}

export function sameChoice(a: EmbedderChoice, b: EmbedderChoice): boolean {
  if (a.kind === 'built-in' || b.kind === 'built-in') return a.kind === b.kind;
  if (a.kind === 'local' || b.kind === 'local') return a.kind === b.kind && a.model === b.model;
  return a.providerId === b.providerId && a.model === b.model;
}

export interface EmbeddingWording {
  /** One line: what answers searches now and what is happening. */
  summary: string;
  /** done / total while re-indexing; null otherwise. */
  progress: { done: number; total: number; fraction: number } | null;
  tone: 'normal' | 'busy' | 'warning' | 'error';
  /** Whether "Retry" makes sense (a failed re-index, or a provider that could not be used). */
  retry: boolean;
}

function progressOf(status: EmbeddingStatus): EmbeddingWording['progress'] {
  const p = status.progress;
  if (!p) return null;
  return { ...p, fraction: p.total > 0 ? Math.min(1, p.done / p.total) : 1 };
}

export function describeEmbedding(status: EmbeddingStatus): EmbeddingWording {
  const chosen = status.choice.kind === 'provider' ? status.choice.model : 'the built-in embedder';
  switch (status.state) {
    case 'ready':
      return {
        summary: status.error
          ? `Searching by words only for now: ${status.error.message}`
          : `Memory search uses ${status.activeLabel}.`,
        progress: null,
        tone: status.error ? 'warning' : 'normal',
        retry: false,
      };
    case 'reindexing': {
      // A re-index back to the built-in embedder because the chosen provider cannot be used.
      const why = status.error ? ` ${chosen} cannot be used now: ${status.error.message}` : '';
      const target = status.error ? 'the built-in embedder' : chosen;
      // The count is shown beside the progress bar, not repeated here.
      return {
        summary: `Re-indexing memories for ${target}. Searches use ${status.activeLabel} until it is done.${why}`,
        progress: progressOf(status),
        tone: 'busy',
        retry: false,
      };
    }
    case 'failed':
      return {
        summary: `Re-indexing for ${chosen} failed: ${status.error?.message ?? 'unknown error'} Your memories are safe; searches keep using ${status.activeLabel}, and it is retried in a while.`,
        progress: progressOf(status),
        tone: 'error',
        retry: true,
      };
    case 'fallback':
      return {
        summary: `${chosen} cannot be used now: ${status.error?.message ?? 'unknown error'} Searches use ${status.activeLabel} meanwhile; your choice is kept.`,
        progress: progressOf(status),
        tone: 'warning',
        retry: true,
      };
  }
}
