import { watch, type FSWatcher } from 'node:fs';
import { basename } from 'node:path';
import { freemem, totalmem } from 'node:os';
import type { EmbeddingModelV3, LanguageModelV3 } from '@ai-sdk/provider';
import type { Logger } from '../../base/logger.js';
import { Cell0Error } from '../../protocol/errors.js';
import type {
  CatalogEntry,
  DownloadProgress,
  LocalModel,
  LocalModelKind,
  Machine,
  RuntimeState,
} from '../../protocol/local-model-entities.js';
import type { MethodParams } from '../../protocol/methods.js';
import { formatBytes } from './bytes.js';
import { ModelCatalog } from './catalog.js';
import { freeDiskBytes, sha256File } from './download.js';
import { LocalEmbeddingModel, LocalLanguageModel } from './local-language-model.js';
import { LocalRuntime, type LocalRuntimeOptions } from './local-runtime.js';
import { ModelDownloads } from './model-downloads.js';
import { ModelStore, type Manifest } from './model-store.js';

export interface LocalModelsOptions {
  dataDir: string;
  /** A catalog file standing in for the built-in one (CELL0_MODEL_CATALOG). */
  catalogFile?: string;
  runtime?: Omit<LocalRuntimeOptions, 'onState' | 'logger'>;
  progressEveryMs?: number;
  /** The largest model this computer is taken to hold (tests shrink it); defaults to its memory. */
  maxModelBytes?: number;
  logger?: Logger;
  /** A model changed: progress, state, loaded or unloaded. */
  onChange?(model: LocalModel): void;
  onRemoved?(name: string): void;
  /** The set of ready models changed (a chat model appeared or went): the provider list changes with it. */
  onReadyChanged?(): void;
}

/** A name from a URL or a file: "Qwen2.5-0.5B-Instruct-Q4_K_M.gguf" → "qwen2.5-0.5b-instruct-q4_k_m". */
export function nameFromSource(source: string): string {
  let file = source;
  try {
    file = new URL(source).pathname;
  } catch {
    // a path, not a URL
  }
  const name = basename(file)
    .replace(/\.gguf$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 80);
  return name || 'model';
}

/**
 * The models on this computer: the catalog, downloads (progress, pause, resume, crash
 * recovery), the checked files in the data directory, and the runtime that loads them. What it
 * knows is read from the models directory each time, so a model the CLI pulled shows up in the
 * app.
 */
export class LocalModels {
  readonly catalog: ModelCatalog;
  readonly store: ModelStore;
  readonly runtime: LocalRuntime;
  private readonly downloads: ModelDownloads;
  private readonly progress = new Map<string, DownloadProgress>();
  /** name → path, for the runtime's state events. */
  private readonly paths = new Map<string, string>();
  private readyNames = '';
  private ready: Manifest[] = [];
  private watcher: FSWatcher | null = null;
  private rescan: NodeJS.Timeout | null = null;

  constructor(private readonly options: LocalModelsOptions) {
    this.catalog = new ModelCatalog(options.catalogFile);
    this.store = new ModelStore(options.dataDir);
    this.runtime = new LocalRuntime({
      ...options.runtime,
      ...(options.logger ? { logger: options.logger } : {}),
      onState: (path) => void this.runtimeChanged(path),
    });
    this.downloads = new ModelDownloads(
      this.store,
      {
        changed: (manifest) => {
          if (manifest.state !== 'downloading') this.progress.delete(manifest.name);
          // A model announced ready is already in the provider list.
          const settled =
            manifest.state === 'ready' || manifest.state === 'failed' ? this.checkReady() : Promise.resolve();
          void settled.then(() => this.options.onChange?.(this.entity(manifest)));
        },
        progress: (name, progress) => {
          this.progress.set(name, progress);
          void this.store.read(name).then((m) => m && this.options.onChange?.(this.entity(m)));
        },
      },
      {
        ...(options.progressEveryMs !== undefined ? { progressEveryMs: options.progressEveryMs } : {}),
        ...(options.maxModelBytes !== undefined ? { maxModelBytes: options.maxModelBytes } : {}),
      },
    );
  }

  /** Returns at once: downloads a crash cut short resume in the background. */
  async start(): Promise<void> {
    const manifests = await this.store.list();
    this.readyNames = readyKey(manifests);
    this.ready = manifests.filter((m) => m.state === 'ready');
    // Settings read before this start (the window's first snapshot) did not list these yet.
    if (this.ready.length > 0) this.options.onReadyChanged?.();
    for (const m of manifests) {
      if (m.state === 'downloading' || m.state === 'verifying') this.downloads.start(m);
    }
    // A model the CLI pulled or removed while the app runs shows up (or goes) without a restart.
    try {
      await this.store.ensureDir();
      this.watcher = watch(this.store.dir, () => {
        if (this.rescan) return;
        this.rescan = setTimeout(() => {
          this.rescan = null;
          void this.checkReady();
        }, 200);
      });
      this.watcher.on('error', () => undefined);
    } catch (err) {
      this.options.logger?.warn('cannot watch the models directory', err);
    }
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    this.watcher = null;
    if (this.rescan) clearTimeout(this.rescan);
    await this.downloads.stopAll();
    await this.runtime.stop();
  }

  /** Ready models as last read (kept current by the directory watch): the provider list needs them at once. */
  readyModels(kind: LocalModelKind): { name: string; label: string; supportsTools: boolean }[] {
    return this.ready
      .filter((m) => m.kind === kind)
      .map((m) => ({ name: m.name, label: m.label, supportsTools: m.supportsTools === true }));
  }

  async list(): Promise<LocalModel[]> {
    return (await this.store.list()).map((m) => this.entity(m));
  }

  async get(name: string): Promise<LocalModel> {
    return this.entity(await this.requireManifest(name));
  }

  async machine(): Promise<Machine> {
    const total = totalmem();
    const fits = (kind: LocalModelKind) =>
      this.catalog.entries
        .filter((e) => e.kind === kind && e.memoryBytes <= total * 0.5)
        .sort((a, b) => b.memoryBytes - a.memoryBytes)[0]?.name ?? null;
    await this.store.ensureDir().catch(() => undefined);
    return {
      totalMemoryBytes: total,
      freeMemoryBytes: freemem(),
      accelerator: await this.runtime.accelerator(),
      freeDiskBytes: await freeDiskBytes(this.store.dir),
      recommendedChat: fits('chat'),
      recommendedEmbedding: fits('embedding'),
    };
  }

  /** Starts (or resumes) a download and answers at once with the model's state. */
  async pull(params: MethodParams<'localModels.pull'>): Promise<LocalModel> {
    const entry = params.name ? this.catalog.find(params.name) : undefined;
    if (!params.source && !entry) {
      throw new Cell0Error(
        'LOCAL_MODEL_UNKNOWN',
        `There is no model called “${params.name ?? ''}” in the catalog. See \`cell0 models list\`, or give a GGUF URL.`,
      );
    }
    const source = params.source ?? entry!.url;
    if (
      params.source &&
      !/^https?:\/\//i.test(source) &&
      !source.startsWith('/') &&
      !/^file:\/\//i.test(source)
    ) {
      throw new Cell0Error(
        'BAD_PARAMS',
        `“${source}” is neither an http(s) URL nor an absolute path to a GGUF file.`,
      );
    }
    if (params.source) {
      try {
        if (/^https?:/i.test(source)) new URL(source);
      } catch {
        throw new Cell0Error('BAD_PARAMS', `“${source}” is not a valid URL.`);
      }
    }
    const name = params.name ?? nameFromSource(source);
    const existing = await this.store.read(name);
    if (existing && existing.source !== source) {
      throw new Cell0Error(
        'BUSY',
        `A model called ${name} is already here from another source. Remove it first or give another name.`,
      );
    }
    if (existing?.state === 'ready' || (existing && this.downloads.isRunning(name)))
      return this.entity(existing);
    const maxBytes = this.options.maxModelBytes ?? totalmem();
    if (entry && entry.memoryBytes > maxBytes) {
      throw new Cell0Error(
        'LOCAL_MODEL_TOO_BIG',
        `${entry.label} needs about ${formatBytes(entry.memoryBytes)} of memory and this computer has ${formatBytes(maxBytes)}. Choose a smaller model.`,
      );
    }
    const manifest: Manifest = existing ?? fresh(name, source, entry);
    this.downloads.start(manifest);
    return this.entity({ ...manifest, state: 'downloading', error: null });
  }

  async pause(name: string): Promise<LocalModel> {
    const manifest = await this.requireManifest(name);
    if (!this.downloads.isRunning(name)) return this.entity(manifest);
    await this.downloads.stop(name, 'paused');
    return this.get(name);
  }

  async remove(name: string): Promise<void> {
    await this.requireManifest(name);
    await this.downloads.stop(name, 'removed');
    await this.runtime.unload(this.store.modelPath(name));
    await this.store.remove(name);
    this.progress.delete(name);
    this.options.onRemoved?.(name);
    await this.checkReady();
  }

  /** Waits for a model's download and checks to end (the CLI and tests). */
  async settled(name: string): Promise<LocalModel> {
    await this.downloads.settled(name);
    return this.get(name);
  }

  /**
   * The path of a ready model, its checksum checked again if the file changed since it was
   * checked: a file corrupted or replaced on disk is never loaded.
   */
  async readyPath(name: string, kind: LocalModelKind): Promise<string> {
    const manifest = await this.store.read(name);
    if (!manifest) {
      throw new Cell0Error(
        'LOCAL_MODEL_UNKNOWN',
        `The local model ${name} is not on this computer (any more). Pull it again or pick another model.`,
      );
    }
    if (manifest.kind !== kind) {
      throw new Cell0Error(
        'BAD_PARAMS',
        `${manifest.label} is ${manifest.kind === 'chat' ? 'a chat' : 'an embedding'} model, not ${kind === 'chat' ? 'a chat' : 'an embedding'} model.`,
      );
    }
    if (manifest.state !== 'ready') {
      throw new Cell0Error(
        'LOCAL_MODEL_NOT_READY',
        manifest.state === 'failed'
          ? `${manifest.label} failed to install: ${manifest.error?.message ?? 'see Settings → Models'}`
          : `${manifest.label} is not ready yet (${manifest.state}). Wait for its download to finish.`,
      );
    }
    const path = this.store.modelPath(name);
    this.paths.set(name, path);
    const now = await this.store.fileStat(name);
    if (!now) {
      await this.store.write({
        ...manifest,
        state: 'failed',
        error: { code: 'LOCAL_MODEL_UNKNOWN', message: 'Its file is missing. Pull it again.' },
      });
      throw new Cell0Error('LOCAL_MODEL_UNKNOWN', `The file of ${manifest.label} is missing. Pull it again.`);
    }
    if (manifest.verified && now.size === manifest.verified.size && now.mtimeMs === manifest.verified.mtimeMs)
      return path;
    const sha = await sha256File(path);
    if (sha !== manifest.sha256) {
      const error = {
        code: 'LOCAL_MODEL_CHECKSUM_MISMATCH' as const,
        message: `The file of ${manifest.label} changed on disk and no longer matches its checksum. Remove it and pull it again.`,
      };
      await this.store.write({ ...manifest, state: 'failed', error });
      this.options.onChange?.(this.entity({ ...manifest, state: 'failed', error }));
      void this.checkReady();
      throw new Cell0Error(error.code, error.message);
    }
    await this.store.write({ ...manifest, verified: now });
    return path;
  }

  languageModel(name: string, supportsTools: boolean): LanguageModelV3 {
    return new LocalLanguageModel(
      { name, supportsTools, resolvePath: () => this.readyPath(name, 'chat') },
      this.runtime,
    );
  }

  embeddingModel(name: string): EmbeddingModelV3 {
    return new LocalEmbeddingModel(
      { name, supportsTools: false, resolvePath: () => this.readyPath(name, 'embedding') },
      this.runtime,
    );
  }

  private async requireManifest(name: string): Promise<Manifest> {
    const manifest = await this.store.read(name);
    if (!manifest) throw new Cell0Error('LOCAL_MODEL_UNKNOWN', `There is no local model called ${name}.`);
    return manifest;
  }

  private entity(m: Manifest): LocalModel {
    const path = this.store.modelPath(m.name);
    const runtime: RuntimeState = this.runtime.state(path);
    return {
      name: m.name,
      label: m.label,
      kind: m.kind,
      state: m.state,
      source: m.source,
      sizeBytes: m.sizeBytes,
      sha256: m.sha256,
      checksumPublished: m.checksumPublished,
      progress: m.state === 'downloading' ? (this.progress.get(m.name) ?? null) : null,
      error: m.error,
      architecture: m.architecture,
      trainedContext: m.trainedContext,
      supportsTools: m.supportsTools,
      runtime,
      addedAt: m.addedAt,
    };
  }

  private async runtimeChanged(path: string): Promise<void> {
    const name = [...this.paths.entries()].find(([, p]) => p === path)?.[0] ?? basename(path, '.gguf');
    const manifest = await this.store.read(name);
    if (manifest) this.options.onChange?.(this.entity(manifest));
  }

  private async checkReady(): Promise<void> {
    const manifests = await this.store.list();
    const key = readyKey(manifests);
    if (key === this.readyNames) return;
    this.readyNames = key;
    this.ready = manifests.filter((m) => m.state === 'ready');
    this.options.onReadyChanged?.();
  }
}

function readyKey(manifests: Manifest[]): string {
  return manifests
    .filter((m) => m.state === 'ready')
    .map((m) => `${m.kind}:${m.name}:${m.supportsTools}`)
    .join(',');
}

function fresh(name: string, source: string, entry: CatalogEntry | undefined): Manifest {
  return {
    name,
    label: entry?.label ?? '',
    // A file from elsewhere says what it is once it is read (see ModelDownloads.verify).
    kind: entry?.kind ?? 'chat',
    state: 'downloading',
    source,
    sizeBytes: entry?.sizeBytes ?? null,
    sha256: entry?.sha256 ?? null,
    checksumPublished: entry !== undefined,
    error: null,
    architecture: null,
    trainedContext: null,
    supportsTools: null,
    verified: null,
    addedAt: Date.now(),
  };
}
