/**
 * Runs the checkpoints: several at once (each sandbox probe mostly waits on its process), each
 * within a time limit, a probe that throws counted as FAIL (a check that cannot run proves
 * nothing). With fix, the safe repairs of what failed run and those checkpoints are probed again.
 */
import type {
  CheckpointCounts,
  CheckpointGroup,
  CheckpointReport,
  CheckpointResult,
} from '../protocol/checkpoint-entities.js';
import type { Checkpoint, Outcome, ProbeEnv, ProbeParts } from './checkpoint.js';
import { CHECKPOINTS } from './checkpoints.js';

export interface RunOptions {
  only?: CheckpointGroup | null;
  fix?: boolean;
  onProgress?: (done: number, total: number, result: CheckpointResult) => void;
  /** Probes at a time; default 4. */
  concurrency?: number;
  /** How long one probe may take before it counts as FAIL (ms); default 12 000. */
  probeTimeoutMs?: number;
  checkpoints?: readonly Checkpoint[];
}

function withRun(parts: ProbeParts): { env: ProbeEnv; finish(): Promise<void> } {
  const memo = new Map<string, Promise<unknown>>();
  const cleanups: (() => Promise<void>)[] = [];
  const env: ProbeEnv = {
    ...parts,
    once<T>(key: string, make: () => Promise<T>): Promise<T> {
      let value = memo.get(key) as Promise<T> | undefined;
      if (!value) {
        value = make();
        memo.set(key, value);
      }
      return value;
    },
    defer: (cleanup) => void cleanups.push(cleanup),
  };
  return {
    env,
    async finish() {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    },
  };
}

async function probeOne(checkpoint: Checkpoint, env: ProbeEnv, timeoutMs: number): Promise<CheckpointResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let outcome: Outcome;
  try {
    outcome = await Promise.race([
      checkpoint.probe(env),
      new Promise<Outcome>((resolve) => {
        timer = setTimeout(
          () => resolve({ status: 'FAIL', detail: `the probe did not finish within ${timeoutMs / 1000} s` }),
          timeoutMs,
        );
      }),
    ]);
  } catch (err) {
    outcome = { status: 'FAIL', detail: `the probe could not run: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
  const needsFix = outcome.status === 'FAIL' || outcome.status === 'WARN';
  return {
    id: checkpoint.id,
    group: checkpoint.group,
    title: checkpoint.title,
    why: checkpoint.why,
    status: outcome.status,
    detail: outcome.detail,
    fix: needsFix ? (outcome.fix ?? checkpoint.fix) : null,
    setting: checkpoint.setting ?? null,
    durationMs: Math.round(performance.now() - started),
  };
}

async function pool<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

export function countsOf(results: readonly CheckpointResult[]): CheckpointCounts {
  const counts: CheckpointCounts = { PASS: 0, WARN: 0, FAIL: 0, SKIP: 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}

export async function runCheckpoints(parts: ProbeParts, options: RunOptions = {}): Promise<CheckpointReport> {
  const startedAt = Date.now();
  const started = performance.now();
  const only = options.only ?? null;
  const selected = (options.checkpoints ?? CHECKPOINTS).filter((c) => only === null || c.group === only);
  const timeoutMs = options.probeTimeoutMs ?? 12_000;
  let done = 0;
  const probeAll = async (list: readonly Checkpoint[], total: number, report: boolean) => {
    const run = withRun(parts);
    try {
      return await pool(list, options.concurrency ?? 4, async (checkpoint) => {
        const result = await probeOne(checkpoint, run.env, timeoutMs);
        if (report) options.onProgress?.(++done, total, result);
        return result;
      });
    } finally {
      await run.finish();
    }
  };
  let results = await probeAll(selected, selected.length, true);
  const fixed: string[] = [];
  if (options.fix) {
    const repairable = selected.filter(
      (c, i) => c.repair && (results[i]!.status === 'FAIL' || results[i]!.status === 'WARN'),
    );
    if (repairable.length > 0) {
      // Each repair reads the state afresh: one's change must not be undone by the next from a stale read.
      for (const c of repairable) {
        const run = withRun(parts);
        try {
          fixed.push(...(await c.repair!(run.env)));
        } finally {
          await run.finish();
        }
      }
      const again = await probeAll(repairable, repairable.length, false);
      results = results.map((r) => again.find((a) => a.id === r.id) ?? r);
    }
  }
  return {
    startedAt,
    durationMs: Math.round(performance.now() - started),
    runner: parts.runner,
    only,
    counts: countsOf(results),
    fixed,
    checkpoints: results,
  };
}
