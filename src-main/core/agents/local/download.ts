import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, statfs, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Cell0Error } from '../../protocol/errors.js';
import type { DownloadProgress } from '../../protocol/local-model-entities.js';
import { formatBytes } from './bytes.js';

export interface DownloadSpec {
  url: string;
  partPath: string;
  /** Bytes already in the part (a paused or crashed download resumes from here). */
  startAt: number;
  /** The size the catalog promises; a server offering another size is refused before any byte. */
  expectedBytes: number | null;
  /** The largest file this computer could run; a bigger one is refused before downloading. */
  maxBytes: number;
  signal: AbortSignal;
  onStart?(totalBytes: number | null): void;
  onProgress(progress: DownloadProgress): void;
  /** How often progress is reported (ms). */
  progressEveryMs?: number;
}

/** Room kept free beyond the model itself: a full disk breaks more than the download. */
const DISK_MARGIN = 64 * 1024 * 1024;

/** Free bytes for an unprivileged writer where the file goes; null where the system cannot say. */
export async function freeDiskBytes(dir: string): Promise<number | null> {
  try {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

function failed(message: string, cause?: unknown): Cell0Error {
  return new Cell0Error('LOCAL_MODEL_DOWNLOAD_FAILED', message, cause === undefined ? undefined : { cause });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Why fetch could not reach the server, in words: DNS, refused, reset. */
function unreachable(url: string, err: unknown): Cell0Error {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  const host = hostOf(url);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return failed(`No server called ${host} could be found. Check the URL and the network.`, err);
  }
  if (code === 'ECONNREFUSED') return failed(`${host} refused the connection. Check the URL.`, err);
  return failed(`The download from ${host} failed (${code ?? 'network error'}). Try again.`, err);
}

function httpError(url: string, status: number): Cell0Error {
  if (status === 404) {
    return failed(`There is no file at ${url} (HTTP 404). Check the URL or the catalog entry.`);
  }
  if (status === 401 || status === 403) {
    return failed(
      `${hostOf(url)} refused the download (HTTP ${status}): the file may need an account or a licence accepted.`,
    );
  }
  return failed(`${hostOf(url)} answered HTTP ${status}. Try again later.`);
}

/** Size of the whole file from a 206's Content-Range or a 200's Content-Length. */
function totalOf(response: Response, startAt: number): number | null {
  const range = response.headers.get('content-range');
  const whole = range?.match(/\/(\d+)\s*$/);
  if (whole) return Number(whole[1]);
  const length = response.headers.get('content-length');
  if (length === null || !/^\d+$/.test(length)) return null;
  return Number(length) + (response.status === 206 ? startAt : 0);
}

/**
 * Fetches a URL into a `.part` file, resuming with an HTTP Range request from what is already
 * there. Checks the size against the catalog, this computer's memory and the free disk before
 * writing a byte. Aborting (pause, stop, removal) keeps the part; the promise then rejects with
 * the signal's reason.
 */
export async function download(spec: DownloadSpec): Promise<{ totalBytes: number }> {
  let startAt = spec.startAt;
  let response: Response;
  try {
    response = await fetch(spec.url, {
      headers: startAt > 0 ? { range: `bytes=${startAt}-` } : {},
      signal: spec.signal,
      redirect: 'follow',
    });
  } catch (err) {
    if (spec.signal.aborted) throw spec.signal.reason;
    throw unreachable(spec.url, err);
  }
  if (response.status === 416 && startAt > 0) {
    // The part already holds the whole file (a crash between the last byte and the check).
    await response.body?.cancel();
    const total = totalOf(response, 0);
    if (total === startAt) return { totalBytes: total };
    await truncate(spec.partPath, 0);
    return download({ ...spec, startAt: 0 });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw httpError(spec.url, response.status);
  }
  if (startAt > 0 && response.status !== 206) {
    // The server ignored the Range header: start again from the first byte.
    startAt = 0;
    await truncate(spec.partPath, 0);
  }
  const total = totalOf(response, startAt);
  try {
    await checkBeforeWriting(spec, total, startAt);
  } catch (err) {
    await response.body?.cancel();
    throw err;
  }
  spec.onStart?.(total);
  if (!response.body) throw failed(`${hostOf(spec.url)} sent no data.`);

  const meter = new ProgressMeter(startAt, total, spec.onProgress, spec.progressEveryMs ?? 250);
  // Each chunk is written (and awaited) before the next is read: whatever arrived before a cut,
  // a pause or a crash is on disk, so a resume asks for exactly the bytes that are missing.
  const file = await open(spec.partPath, startAt > 0 ? 'a' : 'w');
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await file.write(value);
      meter.add(value.length);
    }
  } catch (err) {
    if (spec.signal.aborted) throw spec.signal.reason;
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new Cell0Error(
        'LOCAL_MODEL_DISK_FULL',
        'The disk filled up during the download. Free some space and resume it.',
        {
          cause: err,
        },
      );
    }
    throw failed(
      `The download from ${hostOf(spec.url)} was cut off. Resume it to continue where it stopped.`,
      err,
    );
  } finally {
    meter.stop();
    reader.releaseLock();
    await file.close();
  }
  meter.finish();
  const received = meter.received;
  if (total !== null && received !== total) {
    throw failed(
      `The download from ${hostOf(spec.url)} ended early (${formatBytes(received)} of ${formatBytes(total)}). Resume it to continue.`,
    );
  }
  return { totalBytes: received };
}

async function checkBeforeWriting(spec: DownloadSpec, total: number | null, startAt: number): Promise<void> {
  if (total !== null && spec.expectedBytes !== null && total !== spec.expectedBytes) {
    throw new Cell0Error(
      'LOCAL_MODEL_CHECKSUM_MISMATCH',
      `The server offers a file of ${formatBytes(total)}, not the ${formatBytes(spec.expectedBytes)} the catalog names: it is not the published file, so it was not downloaded.`,
    );
  }
  if (total !== null && total > spec.maxBytes) {
    throw new Cell0Error(
      'LOCAL_MODEL_TOO_BIG',
      `This model is ${formatBytes(total)}, more than this computer's ${formatBytes(spec.maxBytes)} of memory can hold. Choose a smaller one.`,
    );
  }
  const free = await freeDiskBytes(dirname(spec.partPath));
  const needed = total === null ? 0 : total - startAt;
  if (free !== null && needed + DISK_MARGIN > free) {
    throw new Cell0Error(
      'LOCAL_MODEL_DISK_FULL',
      `The model needs ${formatBytes(needed)} of disk and only ${formatBytes(Math.max(0, free - DISK_MARGIN))} is free. Free some space and try again.`,
    );
  }
}

/** Bytes so far, a smoothed speed and the time left, reported at most every `everyMs`. */
class ProgressMeter {
  received: number;
  private readonly startedAt = Date.now();
  private readonly startBytes: number;
  private lastReport = 0;
  private windowAt = Date.now();
  private windowBytes = 0;
  private speed = 0;
  private trailing: NodeJS.Timeout | null = null;

  constructor(
    start: number,
    private readonly total: number | null,
    private readonly report: (p: DownloadProgress) => void,
    private readonly everyMs: number,
  ) {
    this.received = start;
    this.startBytes = start;
  }

  add(bytes: number): void {
    this.received += bytes;
    this.windowBytes += bytes;
    const now = Date.now();
    const elapsed = now - this.windowAt;
    if (elapsed >= 500) {
      const current = (this.windowBytes * 1000) / elapsed;
      this.speed = this.speed === 0 ? current : this.speed * 0.7 + current * 0.3;
      this.windowAt = now;
      this.windowBytes = 0;
    }
    if (now - this.lastReport >= this.everyMs) this.send(now);
    // What arrived since the last report is still reported when no more comes for a while (a
    // stalled server, a pause): otherwise the bar would stay behind what is on disk.
    else this.trailing ??= setTimeout(() => this.send(Date.now()), this.everyMs - (now - this.lastReport));
  }

  /** No further report after this (the download ended, failed or was paused). */
  stop(): void {
    if (this.trailing) clearTimeout(this.trailing);
    this.trailing = null;
  }

  private send(now: number): void {
    this.stop();
    this.lastReport = now;
    this.report(this.progress());
  }

  finish(): void {
    this.stop();
    const seconds = (Date.now() - this.startedAt) / 1000;
    if (this.speed === 0 && seconds > 0) this.speed = (this.received - this.startBytes) / seconds;
    this.report(this.progress());
  }

  private progress(): DownloadProgress {
    const left = this.total === null ? null : Math.max(0, this.total - this.received);
    return {
      receivedBytes: this.received,
      totalBytes: this.total,
      bytesPerSecond: Math.round(this.speed),
      secondsLeft: left === null || this.speed <= 0 ? null : Math.round(left / this.speed),
    };
  }
}

/** SHA-256 of a file, streamed (models are gigabytes). */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, signal ? { signal } : {})) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
