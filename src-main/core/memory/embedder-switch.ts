import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import { Cell0Error, isCell0Error, type ErrorShape } from '../protocol/errors.js';
import type { EmbedderChoice, EmbeddingStatus } from '../protocol/memory-entities.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { Database } from '../storage/database.js';
import { HashEmbedder } from './retrieval/hash-embedder.js';
import { ProviderEmbedder } from './retrieval/provider-embedder.js';
import { RETRIEVABLE_STATUS_SQL } from './retrieval/rows.js';
import type { MemoryModels, MemoryProvider } from './models.js';
import type { Embedder, Retrieval } from './types.js';

/** What a retrieval must offer for its embedder to be swapped (HybridRetrieval does). */
export interface SwappableRetrieval {
  readonly embedderId: string;
  readonly pendingEmbedderId: string | null;
  start(): Promise<void>;
  setEmbedder(embedder: Embedder): void;
  whenIndexed(): Promise<void>;
}

export function isSwappable(retrieval: Retrieval): retrieval is Retrieval & SwappableRetrieval {
  const r = retrieval as Partial<SwappableRetrieval>;
  return typeof r.setEmbedder === 'function' && typeof r.whenIndexed === 'function';
}

export interface EmbedderSwitchDeps {
  db: Database;
  bus: EventBus;
  retrieval: SwappableRetrieval;
  models: Pick<MemoryModels, 'provider' | 'embeddingModel' | 'embeddingCandidates' | 'localEmbeddingModel'>;
  settings: Pick<SettingsStore, 'memory' | 'setMemory'>;
  logger: Logger;
}

export const BUILT_IN_LABEL = 'Built-in (no download)';
const PROBE_TEXT = 'Cell 0 checks that this embedding model answers.';

/** The provider's embedder with the owner's words for it and the config it was made from. */
interface ProviderPick {
  embedder: ObservedEmbedder;
  label: string;
  signature: string;
  describe: (err: unknown) => Cell0Error;
}

function signatureOf(provider: MemoryProvider | undefined): string {
  return provider?.signature ?? 'removed';
}

/** Reports each embedding call, so re-index progress and failures reach the owner as they happen. */
class ObservedEmbedder implements Embedder {
  constructor(
    private readonly inner: ProviderEmbedder,
    private readonly hooks: {
      before(embedder: ObservedEmbedder): void;
      failed(embedder: ObservedEmbedder, err: unknown): void;
      succeeded(embedder: ObservedEmbedder): void;
    },
  ) {}

  get id(): string {
    return this.inner.id;
  }

  get dims(): number {
    return this.inner.dims;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    this.hooks.before(this);
    try {
      const vectors = await this.inner.embed(texts);
      this.hooks.succeeded(this);
      return vectors;
    } catch (err) {
      this.hooks.failed(this, err);
      throw err;
    }
  }
}

/** Everything that gets a vector: active memories and the messages retrieval searches. */
async function indexProgress(db: Database, embedderId: string): Promise<{ done: number; total: number }> {
  const row = await db.get<{ total: number; done: number }>(
    `SELECT
       (SELECT count(*) FROM memories WHERE status = 'active')
       + (SELECT count(*) FROM messages WHERE status IN (${RETRIEVABLE_STATUS_SQL}) AND content <> '') AS total,
       (SELECT count(*) FROM vectors WHERE embedder = ?) AS done`,
    [embedderId],
  );
  const total = row?.total ?? 0;
  return { done: Math.min(row?.done ?? 0, total), total };
}

/**
 * The owner's choice of embedder for memory search, carried out: the built-in one, or a
 * provider's embedding model through the AI SDK. A switch re-indexes in the background (the
 * previous vectors answer meanwhile); its progress and failures are announced as
 * `memory.embedding`. A provider that cannot be used leaves the built-in one answering and the
 * choice stored, so it comes back once the key or the server does.
 */
export class EmbedderSwitch {
  private readonly builtIn = new HashEmbedder();
  /** The embedder answering searches (as far as this switch has made it so). */
  private active: Embedder = this.builtIn;
  private activeLabel = BUILT_IN_LABEL;
  /** The provider embedder in use or being indexed, and the provider config it came from. */
  private pick: ProviderPick | null = null;
  private current: EmbeddingStatus;
  /** Bumped by each switch and by stop: a late answer for an older switch changes nothing. */
  private generation = 0;
  private unsubscribe: (() => void) | null = null;
  /** The chosen provider's settings when they were last acted on. */
  private followed: string | null = null;

  constructor(private readonly deps: EmbedderSwitchDeps) {
    this.current = {
      choice: { kind: 'built-in' },
      activeId: this.builtIn.id,
      activeLabel: BUILT_IN_LABEL,
      state: 'ready',
      progress: null,
      error: null,
    };
  }

  status(): EmbeddingStatus {
    return this.current;
  }

  /**
   * At core start, before anything searches: the stored choice, or the built-in embedder and why
   * not. Nothing is sent to the provider here; a provider that is down shows at the first search.
   */
  async start(): Promise<void> {
    this.unsubscribe = this.deps.bus.subscribe((frame) => {
      if (frame.event === 'settings.updated') void this.providersChanged();
    });
    await this.follow(this.deps.settings.memory().embedder);
  }

  async stop(): Promise<void> {
    this.generation++;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /**
   * The owner picks an embedder. A provider's model is tried with one short text first, so an
   * unknown model or a refused key is said now, with nothing changed. The same choice again
   * retries a failed re-index or a fallback at once.
   */
  async choose(choice: EmbedderChoice): Promise<EmbeddingStatus> {
    if (choice.kind !== 'built-in') {
      const pick = await this.pickFor(choice);
      try {
        await pick.embedder.embed([PROBE_TEXT]);
      } catch (err) {
        throw choice.kind === 'provider'
          ? this.probeError(pick.describe(err), err, choice)
          : pick.describe(err);
      }
      this.deps.settings.setMemory({ ...this.deps.settings.memory(), embedder: choice });
      this.followed = pick.signature;
      await this.deps.retrieval.start();
      this.apply(choice, pick);
    } else {
      this.deps.settings.setMemory({ ...this.deps.settings.memory(), embedder: choice });
      await this.deps.retrieval.start();
      this.apply(choice, null);
    }
    return this.current;
  }

  /** Models of a provider that look like embedding models. */
  async candidates(providerId: string): Promise<string[]> {
    return this.deps.models.embeddingCandidates(this.provider(providerId).id);
  }

  /** Carries out a stored choice; a provider that cannot be used now means the built-in one, and why. */
  private async follow(choice: EmbedderChoice): Promise<void> {
    if (choice.kind === 'built-in') {
      this.apply(choice, null);
      return;
    }
    this.followed = choice.kind === 'provider' ? signatureOf(this.findProvider(choice.providerId)) : null;
    try {
      this.apply(choice, await this.pickFor(choice));
    } catch (err) {
      const error = isCell0Error(err)
        ? err.toShape()
        : { code: 'INTERNAL' as const, message: err instanceof Error ? err.message : String(err) };
      this.deps.logger.warn(
        `memory search: ${choice.model} cannot be used now; using the built-in embedder`,
        err,
      );
      this.apply(choice, null, error);
    }
  }

  /** A provider's settings changed: the embedder made from the old ones may be wrong or gone. */
  private async providersChanged(): Promise<void> {
    const choice = this.deps.settings.memory().embedder;
    if (choice.kind !== 'provider') return;
    if (signatureOf(this.findProvider(choice.providerId)) === this.followed) return;
    await this.follow(choice);
  }

  private findProvider(id: string): MemoryProvider | undefined {
    return this.deps.models.provider(id);
  }

  private provider(id: string): MemoryProvider {
    const provider = this.findProvider(id);
    if (!provider) {
      throw new Cell0Error(
        'EMBEDDER_PROVIDER_UNKNOWN',
        'That provider is not configured (any more). Choose another one for memory search, or the built-in embedder.',
      );
    }
    return provider;
  }

  private pickFor(choice: Exclude<EmbedderChoice, { kind: 'built-in' }>): Promise<ProviderPick> {
    return choice.kind === 'provider' ? this.providerPick(choice) : this.localPick(choice.model);
  }

  /** An embedding model on this computer: same observed embedder, vectors stored as `local:<name>`. */
  private async localPick(name: string): Promise<ProviderPick> {
    const bound = await this.deps.models.localEmbeddingModel(name);
    const inner = new ProviderEmbedder(bound.model, `local:${name}`, { maxRetries: 0 });
    const embedder = new ObservedEmbedder(inner, {
      before: (e) => this.embedding(e),
      failed: (e, err) => this.embedFailed(e, bound.describe(err).toShape()),
      succeeded: (e) => this.embedSucceeded(e),
    });
    return {
      embedder,
      label: `This computer · ${bound.label}`,
      signature: `local ${name}`,
      describe: bound.describe,
    };
  }

  private async providerPick(choice: Extract<EmbedderChoice, { kind: 'provider' }>): Promise<ProviderPick> {
    const provider = this.provider(choice.providerId);
    const bound = await this.deps.models.embeddingModel(provider.id, choice.model);
    // No retries inside a call: a failed re-index is retried as a whole, and a query falls back to words.
    const inner = new ProviderEmbedder(bound.model, `${provider.id}:${choice.model}`, { maxRetries: 0 });
    const embedder = new ObservedEmbedder(inner, {
      before: (e) => this.embedding(e),
      failed: (e, err) => this.embedFailed(e, bound.describe(err).toShape()),
      succeeded: (e) => this.embedSucceeded(e),
    });
    return {
      embedder,
      label: `${provider.name} · ${choice.model}`,
      signature: signatureOf(provider),
      describe: bound.describe,
    };
  }

  private probeError(
    error: Cell0Error,
    err: unknown,
    choice: Extract<EmbedderChoice, { kind: 'provider' }>,
  ): Cell0Error {
    const provider = this.findProvider(choice.providerId);
    if (error.code === 'PROVIDER_MODEL_NOT_FOUND' || error.code === 'PROVIDER_NOT_FOUND') {
      return new Cell0Error(
        'EMBEDDER_MODEL_UNKNOWN',
        `${provider?.name ?? 'The provider'} has no embedding model “${choice.model}”. Pick one from its list or check the name. (${error.message})`,
        { cause: err },
      );
    }
    return error;
  }

  /**
   * Hands the embedder to retrieval. When it differs from the one answering, retrieval indexes
   * it in the background and flips when every owner has a vector; `fallback` is the error that
   * stopped a provider from being used.
   */
  private apply(choice: EmbedderChoice, pick: ProviderPick | null, fallback: ErrorShape | null = null): void {
    const generation = ++this.generation;
    const embedder: Embedder = pick?.embedder ?? this.builtIn;
    const label = pick?.label ?? BUILT_IN_LABEL;
    const retrieval = this.deps.retrieval;
    this.pick = pick;
    // Asking again for the embedder being indexed starts that re-index afresh (a retry, or a new key).
    if (retrieval.pendingEmbedderId === embedder.id) retrieval.setEmbedder(this.active);
    retrieval.setEmbedder(embedder);
    if (retrieval.pendingEmbedderId !== embedder.id) {
      // The same id as the one answering (or retrieval not started yet): swapped in place.
      this.active = embedder;
      this.activeLabel = label;
      this.publish({
        choice,
        activeId: embedder.id,
        activeLabel: label,
        state: fallback ? 'fallback' : 'ready',
        progress: null,
        error: fallback,
      });
      return;
    }
    this.publish({
      choice,
      activeId: this.active.id,
      activeLabel: this.activeLabel,
      state: 'reindexing',
      progress: this.current.progress && this.current.state === 'reindexing' ? this.current.progress : null,
      error: fallback,
    });
    void this.refreshProgress(generation, embedder.id);
    retrieval.whenIndexed().then(
      () => this.indexed(generation, embedder, label, fallback),
      (err: unknown) => this.deps.logger.warn('memory re-index ended with an error', err),
    );
  }

  private indexed(generation: number, embedder: Embedder, label: string, fallback: ErrorShape | null): void {
    if (generation !== this.generation || this.deps.retrieval.embedderId !== embedder.id) return;
    this.active = embedder;
    this.activeLabel = label;
    this.publish({
      ...this.current,
      activeId: embedder.id,
      activeLabel: label,
      state: fallback ? 'fallback' : 'ready',
      progress: null,
      error: fallback,
    });
  }

  /** Before each embedding call of the embedder being indexed: how far it has come. */
  private embedding(embedder: Embedder): void {
    if (this.deps.retrieval.pendingEmbedderId !== embedder.id) return;
    void this.refreshProgress(this.generation, embedder.id);
  }

  private embedFailed(embedder: Embedder, error: ErrorShape): void {
    if (this.pick?.embedder !== embedder) return;
    if (this.deps.retrieval.pendingEmbedderId === embedder.id) {
      // Nothing is lost: the previous vectors keep answering, and retrieval tries again later.
      this.publish({ ...this.current, state: 'failed', error });
    } else if (this.active === embedder) {
      // Searches fall back to words alone until the provider answers again.
      this.publish({ ...this.current, error });
    }
  }

  private embedSucceeded(embedder: Embedder): void {
    if (this.pick?.embedder !== embedder || this.current.error === null) return;
    const reindexing = this.deps.retrieval.pendingEmbedderId === embedder.id;
    this.publish({ ...this.current, state: reindexing ? 'reindexing' : 'ready', error: null });
  }

  private async refreshProgress(generation: number, embedderId: string): Promise<void> {
    try {
      const progress = await indexProgress(this.deps.db, embedderId);
      if (generation !== this.generation || this.deps.retrieval.pendingEmbedderId !== embedderId) return;
      this.publish({ ...this.current, progress });
    } catch (err) {
      this.deps.logger.warn('could not count re-index progress', err);
    }
  }

  private publish(next: EmbeddingStatus): void {
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    this.deps.bus.emit('memory.embedding', { status: next });
  }
}
