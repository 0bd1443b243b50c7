import type { EventBus } from '../base/event-bus.js';
import type { Memory } from '../protocol/memory-entities.js';
import type { Database } from '../storage/database.js';
import type { DaemonState } from './daemon-state.js';
import { MEMORY_COLUMNS, mergeSources, patchMemory, toMemory, type MemoryRow } from './memory-rows.js';

/**
 * The daemon's model-free upkeep: merging duplicates and letting unused memories fade. Both run
 * inside one transaction each, with their watermark, so a crash leaves them done or not done.
 */

const WEEK_MS = 7 * 24 * 3600_000;
export const DECAY_PER_WEEK = 0.98;
export const MIN_IMPORTANCE = 0.05;
/** Cosine above which two memories say the same thing in (nearly) the same words. */
export const DUPLICATE_COSINE = 0.97;
/** New or changed memories compared per pass: bounds the work one step does while requests wait. */
const MERGE_BATCH = 50;

function normalised(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function toVector(blob: Buffer): Float32Array {
  // Copied, not viewed: a Buffer from sqlite may sit at an offset that is not 4-aligned.
  const vector = new Float32Array(blob.byteLength / 4);
  new Uint8Array(vector.buffer).set(blob);
  return vector;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Which of two duplicates stays: a pinned one, else the more important, else the older. */
function keeperOf(a: Memory, b: Memory): [Memory, Memory] {
  if (a.pinned !== b.pinned) return a.pinned ? [a, b] : [b, a];
  if (a.importance !== b.importance) return a.importance > b.importance ? [a, b] : [b, a];
  return a.createdAt <= b.createdAt ? [a, b] : [b, a];
}

export interface MergeResult {
  /** Memories changed (the kept ones and the retired ones), for events. */
  changed: Memory[];
  /** Where the next pass starts (memories updated after this time). */
  watermark: number;
  /** True when more memories than one batch were waiting. */
  more: boolean;
}

/**
 * Finds memories that repeat another (same words once punctuation and case are set aside, or
 * near-identical vectors from the same embedder) among those changed since `watermark`, keeps one
 * and retires the other with `supersededBy`. Runs inside the caller's transaction.
 */
export async function mergeDuplicates(db: Database, watermark: number, now: number): Promise<MergeResult> {
  const fresh = await db.all<MemoryRow>(
    `SELECT ${MEMORY_COLUMNS} FROM memories m WHERE m.status = 'active' AND m.updated_at > ?
     ORDER BY m.updated_at, m.rowid LIMIT ?`,
    [watermark, MERGE_BATCH + 1],
  );
  const more = fresh.length > MERGE_BATCH;
  const batch = fresh.slice(0, MERGE_BATCH);
  if (batch.length === 0) return { changed: [], watermark, more: false };
  const rows = await db.all<MemoryRow>(`SELECT ${MEMORY_COLUMNS} FROM memories m WHERE m.status = 'active'`);
  const vectorRows = await db.all<{ owner_rowid: number; embedder: string; vector: Buffer }>(
    "SELECT owner_rowid, embedder, vector FROM vectors WHERE owner_kind = 'memory'",
  );
  const vectors = new Map<number, Map<string, Float32Array>>();
  for (const v of vectorRows) {
    const forRow = vectors.get(v.owner_rowid) ?? new Map<string, Float32Array>();
    forRow.set(v.embedder, toVector(v.vector));
    vectors.set(v.owner_rowid, forRow);
  }
  const alive = new Map(rows.map((r) => [r.id, { row: r, memory: toMemory(r) }]));
  const changed = new Map<string, Memory>();
  const same = (a: MemoryRow, b: MemoryRow): boolean => {
    if (normalised(a.text) === normalised(b.text)) return true;
    const va = vectors.get(a.rowid);
    const vb = vectors.get(b.rowid);
    if (!va || !vb) return false;
    for (const [embedder, vector] of va) {
      const other = vb.get(embedder);
      if (other && other.length === vector.length && dot(vector, other) >= DUPLICATE_COSINE) return true;
    }
    return false;
  };
  for (const candidate of batch) {
    const self = alive.get(candidate.id);
    if (!self) continue;
    for (const other of alive.values()) {
      if (other.row.id === self.row.id || !same(self.row, other.row)) continue;
      const [kept, dropped] = keeperOf(self.memory, other.memory);
      const retired = await patchMemory(db, dropped.id, { status: 'retired', supersededBy: kept.id }, now);
      const merged = await patchMemory(
        db,
        kept.id,
        {
          sources: mergeSources(kept.sources, dropped.sources),
          importance: Math.max(kept.importance, dropped.importance),
        },
        now,
      );
      if (retired) changed.set(retired.id, retired);
      if (merged) {
        changed.set(merged.id, merged);
        const keptEntry = alive.get(kept.id)!;
        keptEntry.memory = merged;
      }
      alive.delete(dropped.id);
      if (dropped.id === self.row.id) break;
    }
  }
  return { changed: [...changed.values()], watermark: batch.at(-1)!.updated_at, more };
}

/**
 * Unused memories lose importance: ×0.98 for every whole week since they were last used (or
 * made) and since the previous decay, never below 0.05. Pinned memories never fade. Runs inside
 * the caller's transaction; `lastRun` moves in the same commit, so a redone pass decays nothing twice.
 */
export async function decayStale(
  db: Database,
  lastRun: number,
  now: number,
): Promise<{ changed: number; nextRun: number } | null> {
  if (now - lastRun < WEEK_MS) return null;
  // Whole weeks only, so the part of a week not yet counted is counted next time rather than lost.
  const nextRun = lastRun > 0 ? lastRun + Math.floor((now - lastRun) / WEEK_MS) * WEEK_MS : now;
  const rows = await db.all<{ id: string; importance: number; since: number }>(
    `SELECT id, importance, MAX(COALESCE(last_used_at, updated_at), ?) AS since FROM memories
     WHERE status = 'active' AND pinned = 0 AND importance > ?`,
    [lastRun, MIN_IMPORTANCE],
  );
  let changed = 0;
  for (const row of rows) {
    const weeks = Math.floor((nextRun - row.since) / WEEK_MS);
    if (weeks < 1) continue;
    const importance = Math.max(MIN_IMPORTANCE, row.importance * DECAY_PER_WEEK ** weeks);
    // Not through patchMemory: fading is not an edit, so `updated_at` (the merge watermark) stays.
    await db.run('UPDATE memories SET importance = ? WHERE id = ?', [importance, row.id]);
    changed++;
  }
  return { changed, nextRun };
}

/** One merge pass as a daemon step, its watermark moved in the same commit; true when it did work. */
export async function mergeStep(ctx: {
  db: Database;
  bus: EventBus;
  state: DaemonState;
  now: () => number;
}): Promise<boolean> {
  const watermark = await ctx.state.getNumber('merge.watermark', 0);
  const result = await ctx.db.transaction(async () => {
    const merged = await mergeDuplicates(ctx.db, watermark, ctx.now());
    if (merged.watermark !== watermark) await ctx.state.setInTx('merge.watermark', merged.watermark);
    return merged;
  });
  for (const memory of result.changed) ctx.bus.emit('memory.updated', { memory });
  return result.changed.length > 0 || result.more;
}

/** The weekly fade as a daemon step (it also drops cursors of deleted conversations). */
export async function decayStep(ctx: {
  db: Database;
  state: DaemonState;
  now: () => number;
}): Promise<boolean> {
  const lastRun = await ctx.state.getNumber('decay.lastRun', 0);
  const result = await ctx.db.transaction(async () => {
    const decayed = await decayStale(ctx.db, lastRun, ctx.now());
    if (decayed) {
      await ctx.state.setInTx('decay.lastRun', decayed.nextRun);
      await ctx.state.dropOrphanCursorsInTx();
    }
    return decayed;
  });
  return result !== null && result.changed > 0;
}
