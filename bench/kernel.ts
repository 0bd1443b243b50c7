/**
 * bench:kernel — what confinement costs per tool call: a sandboxed `true` (bubblewrap, the
 * unprivileged uid, prlimit, the scrubbed environment) against a plain spawn of `true`, in the
 * same run; and how promptly the limits end what they stop (an abort, the wall clock, the CPU
 * allowance, fork bombs), which the unit tests check only for the outcome. The last line is one
 * JSON object with the figures.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox } from '../src-main/core/kernel/sandbox/sandbox.js';
import type { RunResult, RunSpec } from '../src-main/core/kernel/types.js';
import { silentLogger } from '../src-main/core/base/logger.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const WARMUP = 20;
const GOAL_ADDED_MS = 10;

function plainTrue(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('true', [], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end();
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`true exited ${code}`))));
  });
}

async function time(runs: number, once: () => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await once();
    samples.push(performance.now() - started);
  }
  return samples;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** How long each limit takes to end what it stops, from the start of the call (or the abort). */
async function limitTimings(sandbox: Sandbox, workspace: string): Promise<Record<string, number>> {
  const limited = async (argv: string[], limits: RunSpec['limits'], expected: RunResult['limit']) => {
    const result = await sandbox.run({ argv, workspace, network: false, limits });
    if (result.limit !== expected)
      throw new Error(`${argv.join(' ')}: limit ${result.limit}, not ${expected}`);
    return result.durationMs;
  };
  const abort = new AbortController();
  let abortedAt = 0;
  await sandbox.run(
    { argv: ['sh', '-c', 'sleep 100 & echo up; sleep 100'], workspace, network: false },
    {
      signal: abort.signal,
      onOutput: () => {
        abortedAt = performance.now();
        abort.abort();
      },
    },
  );
  const abortToReturn = performance.now() - abortedAt;
  return {
    abort_to_return_ms: round(abortToReturn),
    wall_clock_1000_ms: await limited(['sleep', '1000'], { wallClockMs: 1000 }, 'wall-clock'),
    cpu_1s_ms: await limited(['bash', '-c', 'while :; do :; done'], { cpuSeconds: 1 }, 'cpu'),
    fork_bomb_ms: await limited(['bash', '-c', ':(){ :|:& };:'], { processes: 32, wallClockMs: 5000 }, null),
    fork_bomb_alive_ms: await limited(
      ['bash', '-c', ':(){ :|:& wait; };:'],
      { processes: 32, wallClockMs: 2000 },
      'processes',
    ),
  };
}

async function main(): Promise<void> {
  const sandbox = new Sandbox({ logger: silentLogger });
  const status = await sandbox.status();
  if (!status.available) throw new Error(`the sandbox is unavailable here: ${status.detail}`);
  const base = await mkdtemp(join(tmpdir(), 'cell0-bench-'));
  await chmod(base, 0o711);
  const workspace = join(base, 'ws');
  await sandbox.prepareWorkspace(workspace);
  const sandboxedTrue = async () => {
    const result = await sandbox.run({ argv: ['true'], workspace, network: false });
    if (result.exitCode !== 0) throw new Error(`sandboxed true failed: ${result.output}`);
  };
  try {
    await time(WARMUP, plainTrue);
    await time(WARMUP, sandboxedTrue);
    // Interleaved halves, so drift in machine load touches both sides alike.
    const plain = [...(await time(RUNS / 2, plainTrue))];
    const sandboxed = [...(await time(RUNS / 2, sandboxedTrue))];
    plain.push(...(await time(RUNS / 2, plainTrue)));
    sandboxed.push(...(await time(RUNS / 2, sandboxedTrue)));

    const limits = await limitTimings(sandbox, workspace);
    const figures = {
      plain_median_ms: round(percentile(plain, 50)),
      plain_p90_ms: round(percentile(plain, 90)),
      sandboxed_median_ms: round(percentile(sandboxed, 50)),
      sandboxed_p90_ms: round(percentile(sandboxed, 90)),
      added_median_ms: round(percentile(sandboxed, 50) - percentile(plain, 50)),
      ...limits,
    };
    process.stdout.write(
      `${status.detail}\n` +
        `plain spawn of true      (N=${plain.length}): median ${figures.plain_median_ms} ms, p90 ${figures.plain_p90_ms} ms\n` +
        `sandboxed true           (N=${sandboxed.length}): median ${figures.sandboxed_median_ms} ms, p90 ${figures.sandboxed_p90_ms} ms\n` +
        `added by the sandbox: median ${figures.added_median_ms} ms per call ` +
        `(goal under ${GOAL_ADDED_MS} ms: ${figures.added_median_ms < GOAL_ADDED_MS ? 'met' : 'NOT met'})\n` +
        `abort to return: ${limits.abort_to_return_ms} ms; wall clock 1000 ms ends after ${limits.wall_clock_1000_ms} ms; ` +
        `CPU 1 s ends after ${limits.cpu_1s_ms} ms; fork bomb ${limits.fork_bomb_ms} ms, ` +
        `kept-alive fork bomb (wall clock 2000 ms) ${limits.fork_bomb_alive_ms} ms\n` +
        `${JSON.stringify(figures)}\n`,
    );
  } finally {
    await sandbox.stop();
    await rm(base, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:kernel failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
