import type { Logger } from '../../src-main/core/base/logger.js';
import type { Database } from '../../src-main/core/storage/database.js';
import type { Embedder } from '../../src-main/core/memory/types.js';
import { HybridRetrieval } from '../../src-main/core/memory/retrieval/hybrid-retrieval.js';
import type { LocomoSample } from './locomo.js';

const DAY = 86_400_000;
const TURN_SPACING_MS = 30_000;

export interface IngestedSample {
  /** message id -> normalised dia_id. */
  diaIdByMessage: Map<string, string>;
  /** "Now" for the questions: a day after the last session. */
  now: number;
  messages: number;
}

/**
 * Writes a sample as past conversations, one per session, each turn a message
 * "<speaker>: <text>" dated by its session. Sessions without a date are placed a week after the
 * previous one, so recency still orders them sensibly.
 */
export async function ingestSample(db: Database, sample: LocomoSample): Promise<IngestedSample> {
  const diaIdByMessage = new Map<string, string>();
  let previous: number | null = null;
  let messages = 0;
  await db.transaction(async () => {
    for (const session of sample.sessions) {
      const start: number = session.date ?? (previous !== null ? previous + 7 * DAY : Date.UTC(2023, 0, 1));
      previous = start;
      const conversationId = `${sample.id}-s${session.number}`;
      await db.run('INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)', [
        conversationId,
        `${sample.speakerA} and ${sample.speakerB}, session ${session.number}`,
        start,
        start,
      ]);
      for (const [idx, turn] of session.turns.entries()) {
        const id = `${conversationId}-t${idx}`;
        const at = start + idx * TURN_SPACING_MS;
        await db.run(
          `INSERT INTO messages (id, conversation_id, idx, role, content, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'complete', ?, ?)`,
          [
            id,
            conversationId,
            idx,
            turn.speaker === sample.speakerA ? 'user' : 'assistant',
            `${turn.speaker}: ${turn.text}`,
            at,
            at,
          ],
        );
        if (turn.diaId) diaIdByMessage.set(id, turn.diaId);
        messages++;
      }
    }
  });
  return { diaIdByMessage, now: (previous ?? Date.now()) + DAY, messages };
}

/** Fraction of `evidence` found among the first `cutoff` retrieved dia_ids. */
export function evidenceRecall(
  evidence: readonly string[],
  retrieved: readonly (string | null)[],
  cutoff: number,
): number {
  if (evidence.length === 0) return 0;
  const top = new Set(retrieved.slice(0, cutoff));
  return evidence.filter((e) => top.has(e)).length / evidence.length;
}

export type EvalMode = 'bm25' | 'hybrid';

export interface RecallFigures {
  questions: number;
  r5: number;
  r10: number;
}

export interface LocomoReport {
  modes: Record<EvalMode, { overall: RecallFigures; byCategory: Record<string, RecallFigures> }>;
  /** Questions left out because none of their evidence could be read. */
  skipped: number;
  /** Per-query retrieval latency of the hybrid mode, ms. */
  latencies: number[];
}

export interface EvaluateOptions {
  openDatabase(): Promise<{ db: Database; close(): Promise<void> }>;
  logger: Logger;
  embedder?: Embedder;
  k?: number;
  onProgress?(done: number, total: number): void;
}

function accumulate(target: { questions: number; r5: number; r10: number }, r5: number, r10: number): void {
  target.questions++;
  target.r5 += r5;
  target.r10 += r10;
}

function average(sum: RecallFigures): RecallFigures {
  const n = sum.questions || 1;
  return { questions: sum.questions, r5: sum.r5 / n, r10: sum.r10 / n };
}

/**
 * Evidence recall@5/@10 of past-message retrieval, the way context synthesis asks (messages of
 * other conversations, no model call), for BM25 alone and the hybrid in the same run. Each sample
 * gets its own database: a LoCoMo sample is one person's history.
 */
export async function evaluateLocomo(
  samples: readonly LocomoSample[],
  options: EvaluateOptions,
): Promise<LocomoReport> {
  const k = options.k ?? 10;
  const modes: EvalMode[] = ['bm25', 'hybrid'];
  const sums = Object.fromEntries(
    modes.map((m) => [
      m,
      { overall: { questions: 0, r5: 0, r10: 0 }, byCategory: {} as Record<string, RecallFigures> },
    ]),
  ) as Record<EvalMode, { overall: RecallFigures; byCategory: Record<string, RecallFigures> }>;
  const latencies: number[] = [];
  let skipped = 0;
  const total = samples.reduce((n, s) => n + s.qa.length, 0);
  let done = 0;
  for (const sample of samples) {
    const { db, close } = await options.openDatabase();
    const retrieval = new HybridRetrieval({
      db,
      logger: options.logger,
      ...(options.embedder ? { embedder: options.embedder } : {}),
    });
    try {
      const ingested = await ingestSample(db, sample);
      await retrieval.start();
      while ((await retrieval.indexPending(1024)) > 0) {
        // Index everything before asking, as the daemon would have by then.
      }
      for (const qa of sample.qa) {
        done++;
        options.onProgress?.(done, total);
        if (qa.evidence.length === 0) {
          skipped++;
          continue;
        }
        for (const mode of modes) {
          const started = performance.now();
          const { messages } = await retrieval.retrieve(qa.question, { k, now: ingested.now, mode });
          if (mode === 'hybrid') latencies.push(performance.now() - started);
          const retrieved = messages.map((m) => ingested.diaIdByMessage.get(m.messageId) ?? null);
          const r5 = evidenceRecall(qa.evidence, retrieved, 5);
          const r10 = evidenceRecall(qa.evidence, retrieved, 10);
          accumulate(sums[mode].overall, r5, r10);
          const key = String(qa.category);
          sums[mode].byCategory[key] ??= { questions: 0, r5: 0, r10: 0 };
          accumulate(sums[mode].byCategory[key], r5, r10);
        }
      }
    } finally {
      await retrieval.stop();
      await close();
    }
  }
  const report = Object.fromEntries(
    modes.map((m) => [
      m,
      {
        overall: average(sums[m].overall),
        byCategory: Object.fromEntries(Object.entries(sums[m].byCategory).map(([c, s]) => [c, average(s)])),
      },
    ]),
  ) as LocomoReport['modes'];
  return { modes: report, skipped, latencies };
}
