/**
 * `cell0 lab` as a person runs it, in a child process against a data directory of its own, on the
 * real overlay and sandbox; apply and discard sign their audit records with the real keychain.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLabsRoot } from '../../src-main/core/kernel/lab/labs.js';
import { Sandbox } from '../../src-main/core/kernel/sandbox/sandbox.js';
import { silentLogger } from '../../src-main/core/base/logger.js';
import { openReadOnly } from '../../src-main/core/kernel/audit/read-only-database.js';
import { DATABASE_FILE } from '../../src-main/core/storage/storage-service.js';

const exec = promisify(execFile);

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

let base: string;
let dataDir: string;
let workspace: string;
const keychainService = `cell0-lab-cli-test-${process.pid}`;

async function lab(...args: string[]): Promise<CliRun> {
  const script = `import('./src-main/cli/lab-command.ts').then((m) => m.labCommand(${JSON.stringify(args)}))`;
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: process.cwd(),
      env: { ...process.env, CELL0_HOME: dataDir, CELL0_KEYCHAIN_SERVICE: keychainService },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const labId = (text: string) => /Lab id: (lab-[0-9a-f]{12})/.exec(text)?.[1] ?? '';

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'cell0-lab-cli-'));
  await chmod(base, 0o711);
  dataDir = join(base, 'home');
  workspace = join(base, 'project');
  await mkdir(workspace);
  await writeFile(join(workspace, 'notes.txt'), 'one\ntwo\n');
  await writeFile(join(workspace, 'old.txt'), 'bye\n');
  const sandbox = new Sandbox({ logger: silentLogger });
  await sandbox.prepareWorkspace(workspace);
  await sandbox.stop();
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
  await rm(defaultLabsRoot(dataDir), { recursive: true, force: true });
});

describe('cell0 lab', () => {
  it('runs a command in a lab, prints the diff and the id, and leaves the workspace untouched', async () => {
    const run = await lab(
      'run',
      '--workspace',
      workspace,
      '--',
      '/bin/sh',
      '-c',
      'echo three >> notes.txt && rm old.txt && echo fresh > new.txt && echo ran',
    );
    expect(run.stderr).toMatch(/over .* \(overlay\)/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ran');
    expect(run.stdout).toMatch(/modified +notes\.txt/);
    expect(run.stdout).toMatch(/deleted +old\.txt/);
    expect(run.stdout).toMatch(/created +new\.txt/);
    expect(run.stdout).toContain('+three');
    expect(run.stdout).toContain('Network: no attempts.');
    const id = labId(run.stdout);
    expect(id).not.toBe('');
    expect(await readFile(join(workspace, 'notes.txt'), 'utf8')).toBe('one\ntwo\n');
    expect(existsSync(join(workspace, 'old.txt'))).toBe(true);
    expect(existsSync(join(workspace, 'new.txt'))).toBe(false);

    const list = await lab('list');
    expect(list.stdout).toMatch(new RegExp(`${id} +open`));
    const show = await lab('show', id);
    expect(show.stdout).toContain('$ /bin/sh -c');
    expect(show.stdout).toContain('+three');
    const json = JSON.parse((await lab('show', id, '--json')).stdout) as { changes: { path: string }[] };
    expect(json.changes.map((c) => c.path).sort()).toEqual(['new.txt', 'notes.txt', 'old.txt']);

    const applied = await lab('apply', id, '--only', 'new.txt', '--only', 'notes.txt');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/Applied 2 changes of lab-[0-9a-f]+, rejected 1 \(audit record \d+\)/);
    expect(await readFile(join(workspace, 'notes.txt'), 'utf8')).toBe('one\ntwo\nthree\n');
    expect(await readFile(join(workspace, 'new.txt'), 'utf8')).toBe('fresh\n');
    expect(existsSync(join(workspace, 'old.txt'))).toBe(true);

    const db = await openReadOnly(join(dataDir, DATABASE_FILE));
    try {
      const rows = await db.all<{ kind: string; outcome: string }>(
        "SELECT kind, outcome FROM audit_log WHERE kind = 'lab.apply'",
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.outcome).toMatch(/applied 2 of 3 changes/);
    } finally {
      await db.close();
    }
    const again = await lab('apply', id);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('[LAB_CLOSED]');
  });

  it('records network attempts with --net-record and lists them', async () => {
    const run = await lab(
      'run',
      '--workspace',
      workspace,
      '--net-record',
      '--',
      '/bin/sh',
      '-c',
      'curl -sS -m 5 https://api.example.com/ ; curl -sS -m 5 https://api.example.com/x; true',
    );
    expect(run.stdout).toContain('would have contacted api.example.com:443 twice');
    const discarded = await lab('discard', labId(run.stdout));
    expect(discarded.stdout).toContain('Discarded');
  });

  it('says what is wrong with bad input, with a stable code', async () => {
    const link = join(base, 'link');
    await symlink(workspace, link);
    const run = await lab('run', '--workspace', link, '--', 'true');
    expect(run.code).toBe(125);
    expect(run.stderr).toContain('[LAB_WORKSPACE_SYMLINK]');
    expect((await lab('run', 'true')).code).toBe(2);
    const missing = await lab('show', 'lab-000000000000');
    expect(missing.stderr).toContain('[NOT_FOUND]');
  });
});
