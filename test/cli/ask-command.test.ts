import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { EventPayload } from '../../src-main/core/protocol/events.js';
import { coreWithFakeProvider, type TestCore } from '../helpers/core.js';

function ask(args: string[], t: TestCore): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `import('./src-main/cli/ask-command.ts').then((m) => m.askCommand(${JSON.stringify(args)}))`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '-e', script],
      {
        cwd: process.cwd(),
        env: { ...process.env, CELL0_HOME: t.dataDir, CELL0_KEYCHAIN_SERVICE: t.keychainService },
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (err as { code?: unknown }).code : 0;
        if (typeof code !== 'number') return reject(err ?? new Error('no exit code'));
        resolve({ code, stdout, stderr });
      },
    );
  });
}

// Each case starts the command in a child process.
describe('cell0 ask against the running app', { timeout: 120_000 }, () => {
  const core = coreWithFakeProvider({ per: 'file' });

  it('streams the reply to stdout and exits 0; --no-tools offers the model none', async () => {
    core.fake.script({ tokens: ['Forty', '-two.'] });
    const res = await ask(['--no-tools', 'What is the answer?'], core.t);
    expect(res).toMatchObject({ code: 0, stdout: 'Forty-two.\n' });
    const body = core.fake.requests.at(-1)!.body as { tools?: unknown[] };
    expect(body.tools).toBeUndefined();
  });

  it('asks the owner in the window for a tool call, and goes on with the answer', async () => {
    core.fake.script(
      { toolCalls: [{ name: 'shell', input: { command: 'ls', reason: 'Look around' } }] },
      { tokens: ['I was not allowed.'] },
    );
    const asked = ask(['List the files'], core.t);
    const frame = await core.t.waitFor((f) => f.event === 'permission.requested', 60_000);
    const { request } = frame.payload as EventPayload<'permission.requested'>;
    expect(request.tool).toBe('shell');
    expect((core.fake.requests.at(-1)!.body as { tools?: unknown[] }).tools?.length).toBeGreaterThan(0);
    await core.t.call('permissions.respond', { requestId: request.id, decision: 'deny' });
    const res = await asked;
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('I was not allowed.');
    expect(res.stderr).toContain('waits for the owner');
  });

  it('exits 1 with the reason when the reply fails', async () => {
    core.fake.script({ status: 400, errorMessage: 'bad request from the test' });
    const res = await ask(['Fail please'], core.t);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/cell0 ask: .+/);
  });
});
