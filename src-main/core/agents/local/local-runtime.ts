import { existsSync } from 'node:fs';
import { freemem } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../base/logger.js';
import { Cell0Error } from '../../protocol/errors.js';
import type { Accelerator, RuntimeState } from '../../protocol/local-model-entities.js';
import type {
  FromWorker,
  GenerateSettings,
  Generated,
  HistoryItem,
  Loaded,
  ToWorker,
  WorkerFunction,
} from './worker-protocol.js';

export interface LocalRuntimeOptions {
  /** Use node-llama-cpp's GPU builds where the machine has one (default true). */
  gpu?: boolean;
  /** A model nobody used for this long is unloaded (ms). */
  idleMs?: number;
  /** Caps each model's context size. */
  maxContext?: number;
  /** CPU threads per model (node-llama-cpp's default: the physical cores). */
  threads?: number;
  logger?: Logger;
  /** A model was loaded or unloaded. */
  onState?(path: string, state: RuntimeState): void;
}

const DEFAULT_IDLE_MS = 5 * 60_000;

type ToWorkerBody = ToWorker extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never;

interface Pending {
  resolve(message: FromWorker): void;
  reject(error: Cell0Error): void;
  onText?: (text: string) => void;
}

/**
 * Where the worker's code is: beside this file when running from source (through tsx), or the
 * `local-model-worker.js` entry electron-vite builds next to the others.
 */
function workerEntry(): { script: URL | string; eval: boolean } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // From source (tests, tsx): the worker registers tsx's loader before importing its TypeScript.
    const file = JSON.stringify(new URL('./model-worker.ts', here).href);
    return {
      script: `import('tsx/esm/api').then(({ register }) => { register(); return import(${file}); });`,
      eval: true,
    };
  }
  for (const candidate of ['./local-model-worker.js', '../local-model-worker.js']) {
    const url = new URL(candidate, here);
    if (existsSync(url)) return { script: url, eval: false };
  }
  throw new Cell0Error(
    'LOCAL_MODEL_FAILED',
    'The local model runtime is missing from this build (local-model-worker.js).',
  );
}

/**
 * The core's side of the model worker: starts the worker thread on first use, loads each
 * model lazily (its context sized from the memory free at that moment), unloads it after an
 * idle time and ends the worker when nothing is loaded. A crashed worker fails what it was
 * doing with a clear error and is started afresh by the next request.
 */
export class LocalRuntime {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly loaded = new Map<string, { loading: Promise<Loaded>; result: Loaded | null }>();
  private readonly idle = new Map<string, NodeJS.Timeout>();
  private readonly busy = new Map<string, number>();
  private readonly idleMs: number;

  constructor(private readonly options: LocalRuntimeOptions = {}) {
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  }

  state(path: string): RuntimeState {
    const entry = this.loaded.get(path);
    if (!entry) return { state: 'unloaded', contextSize: null };
    return entry.result
      ? { state: 'loaded', contextSize: entry.result.contextSize }
      : { state: 'loading', contextSize: null };
  }

  /** Loads the model if it is not (waiting for a load already under way). */
  async ensureLoaded(path: string, kind: 'chat' | 'embedding'): Promise<Loaded> {
    const existing = this.loaded.get(path);
    if (existing) return existing.loading;
    const entry: { loading: Promise<Loaded>; result: Loaded | null } = {
      loading: this.call({
        type: 'load',
        request: {
          path,
          kind,
          freeMemoryBytes: freemem(),
          ...(this.options.maxContext !== undefined ? { maxContext: this.options.maxContext } : {}),
        },
      }).then((m) => (m as Extract<FromWorker, { type: 'loaded' }>).result),
      result: null,
    };
    this.loaded.set(path, entry);
    this.options.onState?.(path, this.state(path));
    try {
      entry.result = await entry.loading;
    } catch (err) {
      if (this.loaded.get(path) === entry) this.loaded.delete(path);
      this.options.onState?.(path, this.state(path));
      throw err;
    }
    this.options.onState?.(path, this.state(path));
    this.armIdle(path);
    return entry.result;
  }

  async generate(
    path: string,
    request: {
      history: HistoryItem[];
      functions: Record<string, WorkerFunction> | null;
      settings: GenerateSettings;
    },
    hooks: { signal?: AbortSignal | undefined; onText?: (text: string) => void },
  ): Promise<Generated> {
    await this.ensureLoaded(path, 'chat');
    return this.using(path, async () => {
      const id = this.nextId++;
      const abort = () => this.post({ type: 'abort', id });
      hooks.signal?.addEventListener('abort', abort, { once: true });
      try {
        const message = await this.call({ type: 'generate', path, ...request }, hooks.onText, id);
        return (message as Extract<FromWorker, { type: 'generated' }>).result;
      } finally {
        hooks.signal?.removeEventListener('abort', abort);
      }
    });
  }

  async embed(path: string, texts: string[]): Promise<Float32Array[]> {
    await this.ensureLoaded(path, 'embedding');
    return this.using(path, async () => {
      const message = await this.call({ type: 'embed', path, texts });
      return (message as Extract<FromWorker, { type: 'embedded' }>).vectors;
    });
  }

  async unload(path: string): Promise<void> {
    const entry = this.loaded.get(path);
    this.clearIdle(path);
    if (!entry) return;
    await entry.loading.catch(() => undefined);
    if (this.loaded.get(path) !== entry) return;
    this.loaded.delete(path);
    if (this.worker) await this.call({ type: 'unload', path }).catch(() => undefined);
    this.options.onState?.(path, this.state(path));
    if (this.loaded.size === 0) await this.endWorker();
  }

  /** The accelerator node-llama-cpp finds on this machine (asked of the worker; the answer is kept). */
  private acceleratorAnswer: Promise<Accelerator> | null = null;
  accelerator(): Promise<Accelerator> {
    this.acceleratorAnswer ??= this.call({ type: 'machine' })
      .then((m) => (m as Extract<FromWorker, { type: 'machine' }>).accelerator)
      .catch(() => 'cpu' as const)
      .finally(() => {
        if (this.loaded.size === 0) void this.endWorker();
      });
    return this.acceleratorAnswer;
  }

  async stop(): Promise<void> {
    for (const path of this.idle.keys()) this.clearIdle(path);
    this.loaded.clear();
    await this.endWorker();
  }

  private async using<T>(path: string, work: () => Promise<T>): Promise<T> {
    this.clearIdle(path);
    this.busy.set(path, (this.busy.get(path) ?? 0) + 1);
    try {
      return await work();
    } finally {
      const left = (this.busy.get(path) ?? 1) - 1;
      if (left > 0) this.busy.set(path, left);
      else this.busy.delete(path);
      this.armIdle(path);
    }
  }

  private armIdle(path: string): void {
    if (this.busy.has(path) || !this.loaded.has(path)) return;
    this.clearIdle(path);
    const timer = setTimeout(() => void this.unload(path), this.idleMs);
    timer.unref();
    this.idle.set(path, timer);
  }

  private clearIdle(path: string): void {
    const timer = this.idle.get(path);
    if (timer) clearTimeout(timer);
    this.idle.delete(path);
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const entry = workerEntry();
    const worker = new Worker(entry.script, {
      eval: entry.eval,
      workerData: { gpu: this.options.gpu ?? true, threads: this.options.threads },
    });
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (err) => {
      this.options.logger?.error('the local model worker failed', err);
      this.crashed('The local model runtime stopped unexpectedly. Try again.');
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.crashed('The local model runtime stopped unexpectedly. Try again.');
    });
    this.worker = worker;
    return worker;
  }

  private crashed(message: string): void {
    this.worker = null;
    const error = new Cell0Error('LOCAL_MODEL_FAILED', message);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    const paths = [...this.loaded.keys()];
    this.loaded.clear();
    for (const path of paths) {
      this.clearIdle(path);
      this.options.onState?.(path, this.state(path));
    }
  }

  private async endWorker(): Promise<void> {
    const worker = this.worker;
    if (!worker || this.pending.size > 0) return;
    this.worker = null;
    await worker.terminate();
  }

  private post(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  private call(body: ToWorkerBody, onText?: (text: string) => void, id = this.nextId++): Promise<FromWorker> {
    const worker = this.spawn();
    return new Promise<FromWorker>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...(onText ? { onText } : {}) });
      worker.postMessage({ ...body, id } as ToWorker);
    });
  }

  private receive(message: FromWorker): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'text') {
      pending.onText?.(message.text);
      return;
    }
    this.pending.delete(message.id);
    if (message.type === 'error') pending.reject(new Cell0Error(message.error.code, message.error.message));
    else pending.resolve(message);
  }
}
