import { describe, expect, it } from 'vitest';
import {
  classifyLimit,
  nprocCountsPerNamespace,
  processAllowance,
  prlimitArgs,
  resolveLimits,
  terminatingSignal,
  ulimitArgs,
  type Ending,
} from '../../../../src-main/core/kernel/sandbox/limits.js';
import { DEFAULT_LIMITS } from '../../../../src-main/core/kernel/types.js';

const ending = (overrides: Partial<Ending>): Ending => ({
  exitCode: 0,
  signal: null,
  killedFor: null,
  output: '',
  durationMs: 100,
  limits: DEFAULT_LIMITS,
  ...overrides,
});

describe('resolveLimits', () => {
  it('fills in the defaults and keeps what the call sets', () => {
    expect(resolveLimits({ cpuSeconds: 2 })).toEqual({ ...DEFAULT_LIMITS, cpuSeconds: 2 });
  });

  it('refuses zero, negative and non-numeric limits', () => {
    expect(() => resolveLimits({ memoryBytes: 0 })).toThrow(/memoryBytes/);
    expect(() => resolveLimits({ processes: -1 })).toThrow(/processes/);
    expect(() => resolveLimits({ wallClockMs: Number.NaN })).toThrow(/wallClockMs/);
  });
});

describe('prlimitArgs', () => {
  it('sets CPU soft and hard one second apart (SIGXCPU first), memory, processes, file size, no core', () => {
    const limits = resolveLimits({ cpuSeconds: 3, memoryBytes: 1000, processes: 16, fileSizeBytes: 2000 });
    expect(prlimitArgs(limits)).toEqual([
      'prlimit',
      '--cpu=3:4',
      '--as=1000',
      '--nproc=16',
      '--fsize=2000',
      '--core=0',
      '--',
    ]);
  });

  it('rounds a fractional CPU allowance up to whole seconds and takes an explicit process cap', () => {
    expect(prlimitArgs(resolveLimits({ cpuSeconds: 0.2 }), 99)).toContain('--cpu=1:2');
    expect(prlimitArgs(resolveLimits({}), 99)).toContain('--nproc=99');
  });
});

describe('process allowance', () => {
  it('adds the allowance on top of the processes the uid already has', () => {
    expect(processAllowance(128, 300)).toBe(428);
    expect(processAllowance(128, 0)).toBe(128);
  });

  it('knows RLIMIT_NPROC counts per user namespace from Linux 5.14', () => {
    expect(nprocCountsPerNamespace('6.1.0-18-amd64')).toBe(true);
    expect(nprocCountsPerNamespace('5.14.0-284.el9')).toBe(true);
    expect(nprocCountsPerNamespace('5.10.0-28-amd64')).toBe(false);
    expect(nprocCountsPerNamespace('4.19.0')).toBe(false);
    expect(nprocCountsPerNamespace('garbage')).toBe(false);
  });
});

describe('ulimitArgs (macOS)', () => {
  it('limits CPU, file size in 512-byte blocks and core dumps, then execs the command', () => {
    const args = ulimitArgs(resolveLimits({ cpuSeconds: 5, fileSizeBytes: 1024 * 1024 }));
    expect(args).toEqual([
      '/bin/sh',
      '-c',
      'ulimit -c 0 && ulimit -t 5 && ulimit -f 2048 && exec "$@"',
      'cell0-limits',
    ]);
  });
});

describe('terminatingSignal', () => {
  it('reads 128+N exit statuses (as bwrap and shells report a signalled command) as signal N', () => {
    expect(terminatingSignal(152, null)).toBe('SIGXCPU');
    expect(terminatingSignal(153, null)).toBe('SIGXFSZ');
    expect(terminatingSignal(137, null)).toBe('SIGKILL');
    expect(terminatingSignal(1, null)).toBeNull();
    expect(terminatingSignal(null, 'SIGTERM')).toBe('SIGTERM');
  });
});

describe('classifyLimit', () => {
  it('names no limit for a normal run, a failing run, or an abort', () => {
    expect(classifyLimit(ending({}))).toBeNull();
    expect(classifyLimit(ending({ exitCode: 2, output: 'ls: cannot access x' }))).toBeNull();
    expect(classifyLimit(ending({ exitCode: null, signal: 'SIGKILL', killedFor: 'abort' }))).toBeNull();
  });

  it('reads SIGXCPU as cpu and SIGXFSZ as file-size, by signal or by exit status', () => {
    expect(classifyLimit(ending({ exitCode: 152 }))).toBe('cpu');
    expect(classifyLimit(ending({ exitCode: null, signal: 'SIGXCPU' }))).toBe('cpu');
    expect(classifyLimit(ending({ exitCode: 153 }))).toBe('file-size');
  });

  it('reports our own output and wall-clock kills', () => {
    expect(classifyLimit(ending({ exitCode: null, signal: 'SIGKILL', killedFor: 'output' }))).toBe('output');
    expect(classifyLimit(ending({ exitCode: null, signal: 'SIGKILL', killedFor: 'wall-clock' }))).toBe(
      'wall-clock',
    );
  });

  it('names processes when forks failed, even when the wall clock ended the run', () => {
    const output = 'bash: fork: retry: Resource temporarily unavailable\n';
    expect(
      classifyLimit(ending({ exitCode: null, signal: 'SIGKILL', killedFor: 'wall-clock', output })),
    ).toBe('processes');
    expect(classifyLimit(ending({ exitCode: 2, output: 'sh: 1: Cannot fork\n' }))).toBe('processes');
    expect(
      classifyLimit(
        ending({ exitCode: 1, output: 'BlockingIOError: [Errno 11] Resource temporarily unavailable' }),
      ),
    ).toBe('processes');
  });

  it('never names a limit for a run that exited 0 on its own, whatever it printed', () => {
    for (const output of [
      'bash: cannot fork\n',
      "sh: 1: can't fork\n",
      'bash: fork: retry: Resource temporarily unavailable\n',
      'BlockingIOError: [Errno 11] Resource temporarily unavailable\n',
      'MemoryError\n',
    ]) {
      expect(classifyLimit(ending({ exitCode: 0, output })), output).toBeNull();
    }
  });

  it('reads allocation failures as memory', () => {
    expect(classifyLimit(ending({ exitCode: 1, output: 'MemoryError\n' }))).toBe('memory');
    expect(classifyLimit(ending({ exitCode: 1, output: 'tail: memory exhausted\n' }))).toBe('memory');
    expect(classifyLimit(ending({ exitCode: 0, output: 'printed MemoryError but exited fine' }))).toBeNull();
  });

  it('reads a SIGKILL we did not send as cpu after the CPU allowance, memory before it', () => {
    const limits = resolveLimits({ cpuSeconds: 2 });
    expect(classifyLimit(ending({ exitCode: 137, durationMs: 2500, limits }))).toBe('cpu');
    expect(classifyLimit(ending({ exitCode: 137, durationMs: 300, limits }))).toBe('memory');
  });
});
