import { copyFile, open, readFile, rm, stat } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { Cell0Error, isCell0Error, type ErrorShape } from '../../protocol/errors.js';
import type { DownloadProgress } from '../../protocol/local-model-entities.js';
import { download, sha256File } from './download.js';
import { inspectGguf } from './gguf-inspect.js';
import type { Manifest, ModelStore } from './model-store.js';

/** Why a running download was stopped: the owner paused it, removed the model, or the core stops. */
export type StopReason = 'paused' | 'removed' | 'stopping';

class Stopped extends Error {
  constructor(readonly reason: StopReason) {
    super(reason);
  }
}

export interface DownloadHooks {
  /** The manifest changed (state, size, error, facts). */
  changed(manifest: Manifest): void;
  progress(name: string, progress: DownloadProgress): void;
}

function shapeOf(err: unknown, dir: string): ErrorShape {
  if (isCell0Error(err)) return err.toShape();
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC')
    return {
      code: 'LOCAL_MODEL_DISK_FULL',
      message: 'The disk is full. Free some space and resume the download.',
    };
  return {
    code: 'LOCAL_MODEL_DOWNLOAD_FAILED',
    message: `Cell 0 could not save the model in ${dir}${code ? ` (${code})` : ''}. Check the folder and try again.`,
  };
}

function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** Whether a process with this id still runs (a lock left by a crashed one does not count). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Carries a model from its source to a checked file: downloads (resuming from the part),
 * checks the SHA-256 against the published one (or records it when none was published), checks
 * the file is GGUF and reads its facts, then renames the part into place. A failed check deletes
 * the part, so a corrupt file can never be loaded; a cut download keeps it for a resume. One
 * lock file per model keeps two Cell 0 processes sharing a data directory from writing the
 * same part.
 */
export class ModelDownloads {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(
    private readonly store: ModelStore,
    private readonly hooks: DownloadHooks,
    private readonly options: { progressEveryMs?: number; maxModelBytes?: number } = {},
  ) {}

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  /** Starts carrying the model in the background (nothing happens if it is already under way). */
  start(manifest: Manifest): void {
    if (this.running.has(manifest.name)) return;
    const controller = new AbortController();
    const done = this.run(manifest, controller.signal).finally(() => this.running.delete(manifest.name));
    this.running.set(manifest.name, { controller, done });
  }

  /** Stops a running download; its part stays unless the model is being removed. */
  async stop(name: string, reason: StopReason): Promise<void> {
    const entry = this.running.get(name);
    if (!entry) return;
    entry.controller.abort(new Stopped(reason));
    await entry.done;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((name) => this.stop(name, 'stopping')));
  }

  /** Waits for a model's download to end (tests and the CLI). */
  async settled(name: string): Promise<void> {
    await this.running.get(name)?.done;
  }

  private async run(initial: Manifest, signal: AbortSignal): Promise<void> {
    let manifest: Manifest = { ...initial, state: 'downloading', error: null };
    const save = async (next: Manifest) => {
      manifest = next;
      await this.store.write(next);
      this.hooks.changed(next);
    };
    let unlock: (() => Promise<void>) | null = null;
    try {
      await this.store.ensureDir();
      unlock = await this.lock(manifest.name);
      await save(manifest);
      const maxBytes = this.options.maxModelBytes ?? totalmem();
      if (isUrl(manifest.source)) {
        await download({
          url: manifest.source,
          partPath: this.store.partPath(manifest.name),
          startAt: await this.store.partSize(manifest.name),
          expectedBytes: manifest.checksumPublished ? manifest.sizeBytes : null,
          maxBytes,
          signal,
          ...(this.options.progressEveryMs !== undefined
            ? { progressEveryMs: this.options.progressEveryMs }
            : {}),
          onStart: (total) => {
            if (total !== null && total !== manifest.sizeBytes) void save({ ...manifest, sizeBytes: total });
          },
          onProgress: (progress) => this.hooks.progress(manifest.name, progress),
        });
      } else {
        await this.copyLocal(manifest, maxBytes, signal);
      }
      await save({ ...manifest, state: 'verifying' });
      await this.verify(manifest, signal, save);
    } catch (err) {
      if (err instanceof Stopped || signal.reason instanceof Stopped) {
        const reason = (err instanceof Stopped ? err : (signal.reason as Stopped)).reason;
        if (reason !== 'removed')
          await save({ ...manifest, state: 'paused', error: null }).catch(() => undefined);
      } else {
        const error = shapeOf(err, this.store.dir);
        // A file that failed a check is gone; a cut download keeps its part to resume from.
        if (
          error.code === 'LOCAL_MODEL_CHECKSUM_MISMATCH' ||
          error.code === 'LOCAL_MODEL_NOT_GGUF' ||
          error.code === 'LOCAL_MODEL_TOO_BIG'
        ) {
          await this.store.removePart(manifest.name).catch(() => undefined);
        }
        await save({ ...manifest, state: 'failed', error }).catch(() => undefined);
      }
    } finally {
      await unlock?.();
    }
  }

  private async verify(manifest: Manifest, signal: AbortSignal, save: (m: Manifest) => Promise<void>) {
    const part = this.store.partPath(manifest.name);
    const facts = await inspectGguf(part);
    const sha256 = await sha256File(part, signal);
    if (manifest.checksumPublished && sha256 !== manifest.sha256) {
      throw new Cell0Error(
        'LOCAL_MODEL_CHECKSUM_MISMATCH',
        `The downloaded file does not match its published SHA-256 (expected ${manifest.sha256?.slice(0, 12)}…, got ${sha256.slice(0, 12)}…). It was deleted; download it again.`,
      );
    }
    await this.store.promote(manifest.name);
    const file = await this.store.fileStat(manifest.name);
    await save({
      ...manifest,
      state: 'ready',
      error: null,
      sha256,
      sizeBytes: file?.size ?? manifest.sizeBytes,
      kind: manifest.checksumPublished ? manifest.kind : facts.kind,
      label: manifest.label || facts.name || manifest.name,
      architecture: facts.architecture,
      trainedContext: facts.trainedContext,
      supportsTools: facts.supportsTools,
      verified: file,
    });
  }

  /** A GGUF file on this computer is copied in (models live in the data directory), checked like a download. */
  private async copyLocal(manifest: Manifest, maxBytes: number, signal: AbortSignal): Promise<void> {
    const path = manifest.source.replace(/^file:\/\//i, '');
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      throw new Cell0Error('LOCAL_MODEL_UNKNOWN', `There is no file at ${path}.`);
    }
    if (size > maxBytes) {
      throw new Cell0Error(
        'LOCAL_MODEL_TOO_BIG',
        `This model is larger than this computer's memory. Choose a smaller one.`,
      );
    }
    signal.throwIfAborted();
    await copyFile(path, this.store.partPath(manifest.name));
    this.hooks.progress(manifest.name, {
      receivedBytes: size,
      totalBytes: size,
      bytesPerSecond: 0,
      secondsLeft: 0,
    });
  }

  /** A lock file with this process's id; one left by a process that is gone is taken over. */
  private async lock(name: string): Promise<() => Promise<void>> {
    const path = `${this.store.partPath(name)}.lock`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(path, 'wx');
        await handle.writeFile(String(process.pid));
        await handle.close();
        return () => rm(path, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
          throw new Cell0Error(
            'BUSY',
            `Another Cell 0 process (pid ${pid}) is downloading this model. Wait for it to finish.`,
          );
        }
        await rm(path, { force: true });
      }
    }
    throw new Cell0Error('BUSY', 'Cell 0 could not take the download lock for this model.');
  }
}
