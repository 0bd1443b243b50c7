import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, shortFingerprint } from '../../src-main/core/identity/fingerprint.js';
import { DATABASE_FILE } from '../../src-main/core/storage/storage-service.js';
import { openAuditFixture, type AuditFixture } from '../core/kernel/audit/audit-fixture.js';

const run = promisify(execFile);

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real command in a child process, as `cell0 audit …` runs it (exit status from process.exitCode). */
async function audit(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const script = `import('./src-main/cli/audit-command.ts').then((m) => m.auditCommand(${JSON.stringify(args)}))`;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: process.cwd(),
      env: { ...process.env, ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// No Secret Service reachable: verification must need only the public keys.
const NO_KEYCHAIN = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };

async function digest(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

describe('cell0 audit verify', () => {
  let f: AuditFixture;
  let keyShort: string;

  beforeAll(async () => {
    f = await openAuditFixture();
    for (let i = 1; i <= 4; i++) {
      await f.audit.append({
        actor: 'agent:c1',
        kind: 'tool.call',
        tool: 'shell',
        args: { i },
        outcome: 'ran',
      });
    }
    await f.identity.rotate();
    await f.audit.append({ actor: 'owner', kind: 'rule.add', outcome: 'added' });
    const state = f.identity.state();
    if (state.status !== 'ready') throw new Error('identity not ready');
    keyShort = shortFingerprint(fingerprint(state.identity.publicKey));
  });

  afterAll(async () => {
    await f.remove();
  });

  it('reports an intact log while the app has the database open, without a keychain', async () => {
    const result = await audit(['verify'], { CELL0_HOME: f.dataDir, ...NO_KEYCHAIN });
    expect(result.stdout).toBe(`Audit log OK: 5 records, chain and signatures verify (key ${keyShort})\n`);
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });

  it('reads a closed database without changing it', async () => {
    await f.close();
    const file = join(f.dataDir, DATABASE_FILE);
    const before = await digest(file);
    const result = await audit(['verify'], { CELL0_HOME: f.dataDir, ...NO_KEYCHAIN });
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Audit log OK: 5 records/) });
    expect(await digest(file)).toBe(before);
  });

  it('exits 1 and names the first bad record once the log was edited', async () => {
    // A fresh handle on the same directory: edit a record the way someone with the file would.
    const sqlite3 = (await import('sqlite3')).default;
    await new Promise<void>((resolve, reject) => {
      const db = new sqlite3.Database(join(f.dataDir, DATABASE_FILE), (err) => {
        if (err) return reject(err);
        db.run("UPDATE audit_log SET outcome = 'denied' WHERE seq = 2", (e) =>
          db.close(() => (e ? reject(e) : resolve())),
        );
      });
    });
    const result = await audit(['verify'], { CELL0_HOME: f.dataDir, ...NO_KEYCHAIN });
    expect(result).toMatchObject({
      code: 1,
      stdout: 'Audit log BROKEN at record 2: record 2 was altered: its contents do not match its hash\n',
    });
  });

  it('exits 2 when there is no database or no audit log in it, or the command is wrong', async () => {
    const missing = await audit(['verify'], { CELL0_HOME: join(f.dataDir, 'nowhere') });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no Cell 0 database in .*nowhere/);
    const old = join(f.dataDir, 'old');
    await mkdir(old);
    await writeFile(join(old, DATABASE_FILE), '');
    expect(await audit(['verify'], { CELL0_HOME: old })).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/predates the audit log/),
    });
    const wrong = await audit(['check'], { CELL0_HOME: f.dataDir });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/unknown subcommand "check"[\s\S]*Usage: cell0 audit verify/);
    const extra = await audit(['verify', 'now'], { CELL0_HOME: f.dataDir });
    expect(extra).toMatchObject({ code: 2, stderr: expect.stringMatching(/unexpected argument "now"/) });
  });
});
