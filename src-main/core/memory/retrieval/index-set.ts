import type { Database } from '../../storage/database.js';
import type { Embedder } from '../types.js';
import { VectorIndex } from './vector-index.js';
import {
  changedPending,
  saveVectors,
  scanPending,
  textForEmbedding,
  type OwnerKind,
} from './vector-store.js';

/** Owners embedded per call to the embedder. */
export const EMBED_BATCH = 64;

/** How far indexing has come for one owner kind: the first full scan, then the change log. */
interface Progress {
  scanAfter: number;
  scanned: boolean;
  seq: number;
}

/** One embedder's in-memory vectors for memories and messages, and how far they are filled. */
export interface IndexSet {
  embedder: Embedder;
  memory: VectorIndex;
  message: VectorIndex;
  progress: Record<OwnerKind, Progress>;
}

/** Progress from scratch: a full scan is owed, and the change log is read from `seq` on. */
export function freshProgress(seq: number): Record<OwnerKind, Progress> {
  return {
    memory: { scanAfter: Number.MIN_SAFE_INTEGER, scanned: false, seq },
    message: { scanAfter: Number.MIN_SAFE_INTEGER, scanned: false, seq },
  };
}

export function newIndexSet(embedder: Embedder, seq = 0): IndexSet {
  return {
    embedder,
    memory: new VectorIndex(embedder.dims),
    message: new VectorIndex(embedder.dims),
    progress: freshProgress(seq),
  };
}

/**
 * Embeds up to `limit` owners missing a vector in `set`, memories first: what changed since
 * the last call, then (once per set) a full scan for anything older. The caller serialises calls.
 */
export async function indexRound(db: Database, set: IndexSet, limit: number): Promise<number> {
  let done = 0;
  for (const kind of ['memory', 'message'] as const) {
    const progress = set.progress[kind];
    while (done < limit) {
      const size = Math.min(EMBED_BATCH, limit - done);
      const changed = await changedPending(db, set.embedder.id, kind, progress.seq, size);
      if (changed.seq !== progress.seq) {
        await embedBatch(db, set, kind, changed.items);
        progress.seq = changed.seq;
        done += changed.items.length;
        continue;
      }
      if (progress.scanned) break;
      const scan = await scanPending(db, set.embedder.id, kind, progress.scanAfter, size);
      await embedBatch(db, set, kind, scan.items);
      if (scan.reached === null) progress.scanned = true;
      else progress.scanAfter = scan.reached;
      done += scan.items.length;
    }
  }
  return done;
}

async function embedBatch(
  db: Database,
  set: IndexSet,
  kind: OwnerKind,
  batch: { rowid: number; text: string }[],
): Promise<void> {
  if (batch.length === 0) return;
  const texts = batch.map((item) => textForEmbedding(item.text));
  const vectors = await set.embedder.embed(texts);
  if (vectors.length !== batch.length) {
    throw new Error(`${set.embedder.id} returned ${vectors.length} vectors for ${batch.length} texts`);
  }
  const items = batch.map((item, i) => ({ rowid: item.rowid, text: texts[i]!, vector: vectors[i]! }));
  await saveVectors(db, set.embedder.id, kind, items);
  const index = kind === 'memory' ? set.memory : set.message;
  for (const item of items) index.upsert(item.rowid, item.vector);
}
