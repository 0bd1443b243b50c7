/**
 * Resource limits: how they are applied (rlimits through prlimit, or ulimit where prlimit does not
 * exist) and how a finished run is read back into the limit it hit.
 */
import { constants } from 'node:os';
import type { LimitKind } from '../../protocol/kernel-entities.js';
import { DEFAULT_LIMITS, type Limits } from '../types.js';

export function resolveLimits(partial: Partial<Limits> | undefined): Limits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0)
      throw new RangeError(`limit ${name} must be a positive number`);
  }
  return limits;
}

/**
 * prlimit's arguments, meant to run INSIDE the sandbox (bwrap … -- prlimit … -- cmd):
 * - RLIMIT_NPROC is checked per (user namespace, uid) since Linux 5.14, so inside bwrap's fresh
 *   user namespace it counts this sandbox's processes only — outside, it would count every process
 *   of the host uid (the user's whole desktop, or every concurrent sandbox as `nobody`), and bwrap's
 *   own fork would fail first.
 * - The other limits then bind the tool alone, not bwrap's small monitor processes.
 * CPU: soft limit N sends SIGXCPU (told apart from any other death), hard limit N+1 SIGKILLs a
 * tool that ignores it.
 */
export function prlimitArgs(limits: Limits, processes = limits.processes): string[] {
  const cpu = Math.max(1, Math.ceil(limits.cpuSeconds));
  return [
    'prlimit',
    `--cpu=${cpu}:${cpu + 1}`,
    `--as=${Math.floor(limits.memoryBytes)}`,
    `--nproc=${Math.floor(processes)}`,
    `--fsize=${Math.floor(limits.fileSizeBytes)}`,
    '--core=0',
    '--',
  ];
}

/**
 * Where no per-namespace process count exists (a run without the sandbox, or a kernel before 5.14),
 * RLIMIT_NPROC counts all processes the uid already has: the cap is set that many above them, so the
 * call still gets its allowance without starving the user's other programs.
 */
export function processAllowance(limit: number, existing: number): number {
  return Math.floor(limit) + Math.max(0, Math.floor(existing));
}

/** Linux 5.14 moved RLIMIT_NPROC to per-user-namespace counting (ucounts). */
export function nprocCountsPerNamespace(kernelRelease: string): boolean {
  const match = /^(\d+)\.(\d+)/.exec(kernelRelease);
  if (!match) return false;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major > 5 || (major === 5 && minor >= 14);
}

/**
 * The same limits through the POSIX shell's ulimit, for macOS (no prlimit). ulimit -f counts
 * 512-byte blocks in POSIX shells; -v and -u are left out: macOS does not enforce RLIMIT_AS, and its
 * RLIMIT_NPROC counts every process of the user, so the wall clock bounds those there.
 */
export function ulimitArgs(limits: Limits): string[] {
  const cpu = Math.max(1, Math.ceil(limits.cpuSeconds));
  const blocks = Math.max(1, Math.ceil(limits.fileSizeBytes / 512));
  return [
    '/bin/sh',
    '-c',
    `ulimit -c 0 && ulimit -t ${cpu} && ulimit -f ${blocks} && exec "$@"`,
    'cell0-limits',
  ];
}

const signalNumbers: Record<string, number> = constants.signals;

function signalName(number: number): string | null {
  for (const [name, value] of Object.entries(signalNumbers)) if (value === number) return name;
  return null;
}

/**
 * The signal that ended the tool. Through bwrap (and shells) a tool killed by signal N shows as
 * exit status 128+N, so that is read as the signal too.
 */
export function terminatingSignal(exitCode: number | null, signal: string | null): string | null {
  if (signal) return signal;
  if (exitCode !== null && exitCode > 128 && exitCode < 128 + 65) return signalName(exitCode - 128);
  return null;
}

/** What a failed fork/clone prints in the usual shells and runtimes (errno EAGAIN under RLIMIT_NPROC). */
const FORK_FAILED =
  /(fork|clone|pthread_create|spawn|thread)[^\n]{0,60}(Resource temporarily unavailable|EAGAIN)|cannot fork|can't fork|BlockingIOError: \[Errno 11\]/i;

/** What an allocation failure prints (RLIMIT_AS makes mmap/brk fail with ENOMEM rather than kill). */
const OUT_OF_MEMORY =
  /MemoryError|Cannot allocate memory|out of memory|memory exhausted|std::bad_alloc|allocation failed|failed to allocate|ENOMEM|xmalloc: cannot allocate/i;

export interface Ending {
  exitCode: number | null;
  signal: string | null;
  /** Why we killed it, if we did. */
  killedFor: 'output' | 'wall-clock' | 'abort' | null;
  output: string;
  durationMs: number;
  limits: Limits;
}

/**
 * Which limit ended a run. Certain: SIGXCPU (cpu), SIGXFSZ (file-size), and our own output and
 * wall-clock kills. A run that exited 0 on its own hit none. Heuristic, read from what a failed run
 * printed and how it died:
 * - processes: a fork/clone failure message; it wins over the wall clock
 *   and output kills that a fork bomb's retry loop usually ends in, because it is the cause;
 * - cpu: a SIGKILL we did not send after at least the CPU allowance of wall time (the hard limit
 *   of a tool that ignored SIGXCPU);
 * - memory: any other SIGKILL we did not send (the kernel's OOM killer), or a failed exit whose
 *   output reports an allocation failure (RLIMIT_AS makes allocations fail; tools then exit with
 *   an error, or crash).
 * A tool can fake the printed evidence; that only changes which limit is named, never what ran.
 */
export function classifyLimit(ending: Ending): LimitKind | null {
  if (ending.killedFor === 'abort') return null;
  const signal = terminatingSignal(ending.exitCode, ending.signal);
  if (signal === 'SIGXCPU') return 'cpu';
  if (signal === 'SIGXFSZ') return 'file-size';
  // A clean exit is a success whatever the tool printed: `echo "bash: cannot fork"` hit no limit,
  // and printed words are only ever evidence for why a run failed.
  if (ending.exitCode === 0 && signal === null && ending.killedFor === null) return null;
  if (FORK_FAILED.test(ending.output)) return 'processes';
  if (ending.killedFor) return ending.killedFor;
  if (signal === 'SIGKILL') return ending.durationMs >= ending.limits.cpuSeconds * 1000 ? 'cpu' : 'memory';
  if (ending.exitCode !== 0 && OUT_OF_MEMORY.test(ending.output)) return 'memory';
  return null;
}
