import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTable } from '../../src-main/cli/checkpoints-command.js';
import {
  checkpointReportSchema,
  type CheckpointReport,
} from '../../src-main/core/protocol/checkpoint-entities.js';
import { readLastRun } from '../../src-main/core/checkpoints/last-run.js';

const run = promisify(execFile);

/** The real command in a child process, as `cell0 checkpoints …` runs it (exit status from process.exitCode). */
async function checkpoints(
  args: string[],
  home: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `import('./src-main/cli/checkpoints-command.ts').then((m) => m.checkpointsCommand(${JSON.stringify(args)}))`;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: process.cwd(),
      env: { ...process.env, CELL0_HOME: home, CELL0_KEYCHAIN_SERVICE: `cell0-chk-cli-${process.pid}` },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'cell0-chk-cli-'));
  await writeFile(join(home, 'settings.json'), '{}', { mode: 0o600 });
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('cell0 checkpoints', () => {
  it('--json prints one object with every checkpoint of the group: id, group, status, detail and fix', async () => {
    await chmod(home, 0o700);
    const result = await checkpoints(['--json', '--only', 'storage'], home);
    expect(result.code).toBe(0);
    const report = checkpointReportSchema.parse(JSON.parse(result.stdout));
    expect(report.only).toBe('storage');
    expect(report.checkpoints.map((c) => c.group)).toEqual(Array(report.checkpoints.length).fill('storage'));
    expect(report.checkpoints.find((c) => c.id === 'storage.data-dir-mode')).toMatchObject({
      status: 'PASS',
      fix: null,
    });
    expect(report.counts.PASS + report.counts.SKIP).toBe(report.checkpoints.length);
  }, 60_000);

  it('exits 1 on a FAIL and prints the fix; --fix repairs it, says so, and stores the run', async () => {
    await chmod(home, 0o777);
    const failing = await checkpoints(['--only', 'storage'], home);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/FAIL {2}storage\.data-dir-mode +mode 777/);
    expect(failing.stdout).toContain('fix: Run `cell0 checkpoints --fix`');
    expect(failing.stdout).not.toContain('\x1b['); // not a terminal: no colour
    expect(failing.stdout).toMatch(/checkpoints: \d+ PASS, 0 WARN, \d+ FAIL, \d+ SKIP in \d+\.\d s/);

    const fixed = await checkpoints(['--fix', '--only', 'storage'], home);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toMatch(/Fixed:\n {2}chmod 700 .* \(was 777\)/);
    expect((await stat(home)).mode & 0o777).toBe(0o700);
    const last = await readLastRun(home);
    expect(last?.fixed.some((f) => f.startsWith('chmod 700'))).toBe(true);
  }, 60_000);

  it('refuses an unknown group with exit 2', async () => {
    const result = await checkpoints(['--only', 'nonsense'], home);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown group "nonsense"');
  }, 60_000);

  it('colours the status on a terminal', () => {
    const report: CheckpointReport = {
      startedAt: 0,
      durationMs: 1234,
      runner: 'cli',
      only: null,
      counts: { PASS: 1, WARN: 0, FAIL: 1, SKIP: 0 },
      fixed: [],
      checkpoints: [
        {
          id: 'storage.integrity',
          group: 'storage',
          title: 't',
          why: 'w',
          status: 'PASS',
          detail: 'ok',
          fix: null,
          setting: null,
          durationMs: 1,
        },
        {
          id: 'storage.wal',
          group: 'storage',
          title: 't',
          why: 'w',
          status: 'FAIL',
          detail: 'bad',
          fix: 'do it',
          setting: null,
          durationMs: 1,
        },
      ],
    };
    const coloured = formatTable(report, true);
    expect(coloured).toContain('\x1b[32mPASS');
    expect(coloured).toContain('\x1b[31mFAIL');
    expect(formatTable(report, false)).toContain('fix: do it');
    expect(formatTable(report, false)).toContain('in 1.2 s');
  });
});
