import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { coreWithFakeProvider } from '../helpers/core.js';

/** The real command in a child process, as `cell0 hooks|jobs …` runs it, against the app on CELL0_HOME. */
function cell0(
  args: string[],
  home: string,
  keychainService: string,
  stdin?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const [command, ...rest] = args;
  const entry = command === 'hooks' ? 'hooksCommand' : 'jobsCommand';
  const script = `import('./src-main/cli/automations-command.ts').then((m) => m.${entry}(${JSON.stringify(rest)}))`;
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', '-e', script],
      {
        cwd: process.cwd(),
        env: { ...process.env, CELL0_HOME: home, CELL0_KEYCHAIN_SERVICE: keychainService },
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (err as { code?: unknown }).code : 0;
        if (typeof code !== 'number') return reject(err ?? new Error('no exit code'));
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(stdin ?? '');
  });
}

// Each case starts the command in a child process (several on a loaded machine).
describe('cell0 hooks and cell0 jobs', { timeout: 120_000 }, () => {
  const core = coreWithFakeProvider({ per: 'file' });
  const run = (args: string[], stdin?: string) => cell0(args, core.t.dataDir, core.t.keychainService, stdin);

  it('adds a hook with its secret from stdin, into the running app, and lists it', async () => {
    const conversation = await core.t.call('conversations.create', {});
    const added = await run(
      [
        'hooks',
        'add',
        'deploys',
        '--prompt',
        'Deployed {{ $.sha }}',
        '--conversation',
        conversation.id,
        '--secret-stdin',
      ],
      'a-secret-from-stdin\n',
    );
    expect(added).toMatchObject({ code: 0 });
    expect(added.stdout).toContain('Added hook deploys.');
    expect(added.stdout).not.toContain('a-secret-from-stdin');
    const { hooks } = await core.t.call('automations.list');
    expect(hooks).toMatchObject([
      { name: 'deploys', prompt: 'Deployed {{ $.sha }}', conversationId: conversation.id },
    ]);
    const listed = await run(['hooks', 'list']);
    expect(listed.stdout).toContain('deploys  active  HMAC-SHA256  never ran');
    expect(listed.stdout).toContain(`Runs in: ${conversation.id}`);
  });

  it('adds a cron job in a time zone and prints its next five runs', async () => {
    const added = await run([
      'jobs',
      'add',
      'standup',
      '--cron',
      '30 9 * * 1-5',
      '--tz',
      'Europe/Berlin',
      '--prompt',
      'Plan the day',
    ]);
    expect(added).toMatchObject({ code: 0 });
    const times = added.stdout.match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z/g) ?? [];
    expect(times).toHaveLength(5);
    // 09:30 in Berlin is 08:30 or 07:30 UTC, on weekdays.
    for (const at of times) {
      expect(['08:30', '07:30']).toContain(at.slice(11, 16));
      expect([0, 6]).not.toContain(new Date(at).getUTCDay());
    }
    const listed = await run(['jobs', 'list']);
    expect(listed.stdout).toContain('standup  active  cron "30 9 * * 1-5" Europe/Berlin');
  });

  it('runs a job now, streaming its reply, exit 0', async () => {
    await core.t.call('jobs.add', {
      name: 'now',
      prompt: 'Say hi',
      trigger: { kind: 'every', minutes: 600 },
    });
    core.fake.script({ tokens: ['Hi', ' there', '.'] });
    const ran = await run(['jobs', 'run', 'now']);
    expect(ran).toMatchObject({ code: 0 });
    expect(ran.stdout.trim()).toBe('Hi there.');
    expect(ran.stderr).toMatch(/run .* complete in conversation/);
  });

  it('says what is wrong with a stable exit status', async () => {
    expect(await run(['jobs', 'add', 'x', '--prompt', 'p'])).toMatchObject({ code: 2 });
    const bad = await run(['jobs', 'add', 'x', '--cron', 'not cron', '--prompt', 'p']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('is not a cron expression');
    const missing = await run(['jobs', 'run', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No job "nope"');
    const twice = await run(['hooks', 'add', 'deploys', '--prompt', 'again']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('exists already');
  });
});
