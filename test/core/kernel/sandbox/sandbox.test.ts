import {
  chmod,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Sandbox } from '../../../../src-main/core/kernel/sandbox/sandbox.js';
import { isCell0Error } from '../../../../src-main/core/protocol/errors.js';
import { silentLogger } from '../../../../src-main/core/base/logger.js';
import { liveProcesses } from '../../../fixtures/sandbox/host-bait.js';

const asRoot = process.getuid?.() === 0;
let sandbox: Sandbox;
let base: string;
let workspace: string;

beforeAll(async () => {
  sandbox = new Sandbox({ logger: silentLogger });
  await sandbox.start();
  base = await mkdtemp(join(tmpdir(), 'cell0-sandbox-test-'));
  await chmod(base, 0o711);
  workspace = join(base, 'ws');
  await sandbox.prepareWorkspace(workspace);
});

afterAll(async () => {
  await sandbox.stop();
  await rm(base, { recursive: true, force: true });
});

const rejectsWith = (code: string) => (err: unknown) => isCell0Error(err) && err.code === code;

describe('Sandbox.status', () => {
  it('reports bubblewrap here, probed once and cached', async () => {
    const first = await sandbox.status();
    expect(first).toMatchObject({ kind: 'bubblewrap', available: true });
    expect(first.detail).toMatch(/bubblewrap/);
    expect(await sandbox.status()).toBe(first);
  });

  it('says how to install bubblewrap when it is missing', async () => {
    const missing = new Sandbox({ logger: silentLogger, bwrapPath: '/nonexistent/bwrap' });
    expect(await missing.status()).toEqual({
      kind: 'none',
      available: false,
      detail:
        'bubblewrap is not installed: install the "bubblewrap" package to let Cell 0 run tools (sudo apt install bubblewrap)',
    });
    await missing.stop();
  });

  it('is unavailable, with a clear reason, on a platform without a sandbox', async () => {
    const windows = new Sandbox({ logger: silentLogger, platform: 'win32' });
    const status = await windows.status();
    expect(status).toMatchObject({ kind: 'none', available: false });
    expect(status.detail).toMatch(/no tool sandbox for win32.*unsandboxed/);
    await windows.stop();
  });

  it('is unavailable on macOS when sandbox-exec is missing (as on this Linux machine)', async () => {
    const mac = new Sandbox({ logger: silentLogger, platform: 'darwin' });
    expect(await mac.status()).toMatchObject({ kind: 'none', available: false });
    expect((await mac.status()).detail).toMatch(/sandbox-exec is missing/);
    await mac.stop();
  });
});

describe("Sandbox trial 'on-failure' (a one-shot process's call is its own proof)", () => {
  it('runs the call confined without a trial first, and a clean exit proves the sandbox', async () => {
    const runtimeParent = await mkdtemp(join(base, 'runtime-'));
    await chmod(runtimeParent, 0o711);
    const oneShot = new Sandbox({ logger: silentLogger, tmpDir: runtimeParent, trial: 'on-failure' });
    const ws = join(base, 'one-shot');
    await oneShot.prepareWorkspace(ws);
    const result = await oneShot.run({
      argv: ['sh', '-c', 'echo confined; id -u'],
      workspace: ws,
      network: false,
    });
    expect(result).toMatchObject({ exitCode: 0, sandboxed: true });
    expect(result.output).toMatch(/^confined\n\d+\n$/);
    if (asRoot) expect(result.output).toBe('confined\n65534\n');
    // The sandbox's runtime folder has its passwd but no trial workspace: no trial ran.
    const [runtime] = await readdir(runtimeParent);
    expect(await readdir(join(runtimeParent, runtime!))).toEqual(expect.arrayContaining(['passwd', 'group']));
    expect(existsSync(join(runtimeParent, runtime!, 'probe'))).toBe(false);
    expect(await oneShot.status()).toMatchObject({ kind: 'bubblewrap', available: true });
    await oneShot.stop();
  });

  it('a call that fails gets the trial, and a sandbox that cannot start is SANDBOX_UNAVAILABLE', async () => {
    // A "bubblewrap" that exits 1 at once, as a real one does when it cannot make its namespaces.
    const broken = new Sandbox({ logger: silentLogger, bwrapPath: '/usr/bin/false', trial: 'on-failure' });
    const ws = join(base, 'broken');
    await broken.prepareWorkspace(ws);
    await expect(broken.run({ argv: ['true'], workspace: ws, network: false })).rejects.toSatisfy(
      rejectsWith('SANDBOX_UNAVAILABLE'),
    );
    const status = await broken.status();
    expect(status).toMatchObject({ kind: 'none', available: false });
    expect(status.detail).toMatch(/cannot create a sandbox here/);
    await broken.stop();
  });

  it('a call that fails on its own keeps its exit code once the trial passes', async () => {
    const oneShot = new Sandbox({ logger: silentLogger, trial: 'on-failure' });
    const ws = join(base, 'fails');
    await oneShot.prepareWorkspace(ws);
    const result = await oneShot.run({ argv: ['sh', '-c', 'exit 7'], workspace: ws, network: false });
    expect(result).toMatchObject({ exitCode: 7, sandboxed: true });
    expect(await oneShot.status()).toMatchObject({ kind: 'bubblewrap', available: true });
    await oneShot.stop();
  });
});

describe('Sandbox.run', () => {
  it('runs the command in the workspace and reports its exit code', async () => {
    const result = await sandbox.run({
      argv: ['sh', '-c', 'pwd; echo $HOME; sleep 0.25; exit 7'],
      workspace,
      network: false,
    });
    expect(result).toMatchObject({
      exitCode: 7,
      signal: null,
      limit: null,
      truncated: false,
      sandboxed: true,
    });
    expect(result.output).toBe(`${workspace}\n${workspace}\n`);
    // Timed from the start: the command's own quarter second is in it.
    expect(result.durationMs).toBeGreaterThanOrEqual(250);
  });

  it('feeds stdin and collects stdout and stderr together', async () => {
    const result = await sandbox.run({
      argv: ['sh', '-c', 'cat; echo oops >&2'],
      workspace,
      network: false,
      stdin: 'from stdin\n',
    });
    expect(result.output).toContain('from stdin\n');
    expect(result.output).toContain('oops\n');
  });

  it('streams output as it arrives', async () => {
    const chunks: string[] = [];
    const result = await sandbox.run(
      { argv: ['sh', '-c', 'echo one; sleep 0.2; echo two'], workspace, network: false },
      { onOutput: (chunk) => chunks.push(chunk) },
    );
    expect(chunks.join('')).toBe(result.output);
    expect(chunks.length).toBeGreaterThanOrEqual(2);
  });

  it('runs under a 100x30 terminal with tty, streaming it live', async () => {
    const chunks: string[] = [];
    const result = await sandbox.run(
      {
        argv: ['sh', '-c', 'stty size; test -t 1 && echo "a tty"; echo "$TERM"'],
        workspace,
        network: false,
        tty: true,
      },
      { onOutput: (chunk) => chunks.push(chunk) },
    );
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('30 100');
    expect(result.output).toContain('a tty');
    expect(result.output).toContain('xterm-256color');
    expect(chunks.join('')).toBe(result.output);
  });

  it('writes files the host then sees in the workspace', async () => {
    await sandbox.run({ argv: ['sh', '-c', 'echo made > made.txt'], workspace, network: false });
    expect((await stat(join(workspace, 'made.txt'))).size).toBe(5);
  });

  it('says when the command does not exist', async () => {
    const result = await sandbox.run({ argv: ['no-such-command-xyz'], workspace, network: false });
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toMatch(/no-such-command-xyz/);
  });

  it('stops the whole tree when aborted, reporting the signal and no limit', async () => {
    const abort = new AbortController();
    // Aborted once the tree is up (its first line is out), not after some time.
    const result = await sandbox.run(
      { argv: ['sh', '-c', 'sleep 4711 & echo up; sleep 4711'], workspace, network: false },
      { signal: abort.signal, onOutput: () => abort.abort() },
    );
    expect(result).toMatchObject({ signal: 'SIGKILL', exitCode: null, limit: null, output: 'up\n' });
    // Both sleeps, the one in the background too, are gone.
    await vi.waitFor(() => expect(liveProcesses('sleep 4711')).toEqual([]));
  });

  it('killAll stops every running call and says how many', async () => {
    let started = 0;
    let bothStarted: () => void;
    const ready = new Promise<void>((resolve) => (bothStarted = resolve));
    const runs = [1, 2].map(() =>
      sandbox.run(
        { argv: ['sh', '-c', 'echo started; exec sleep 100'], workspace, network: false },
        { onOutput: () => ++started === 2 && bothStarted() },
      ),
    );
    await ready;
    expect(sandbox.killAll()).toBe(2);
    const results = await Promise.all(runs);
    for (const result of results) expect(result).toMatchObject({ signal: 'SIGKILL', limit: null });
    expect(sandbox.killAll()).toBe(0);
  });

  it('killAll also stops calls that have not started yet: they never run', async () => {
    const marker = join(workspace, 'not-started');
    const run = sandbox.run({ argv: ['touch', marker], workspace, network: false });
    expect(sandbox.killAll()).toBe(1);
    expect(await run).toMatchObject({ exitCode: null, signal: 'SIGKILL', output: '', limit: null });
    expect(existsSync(marker)).toBe(false);
  });

  it('binds TLS trust only for a call with network, which must say what it may reach', async () => {
    const without = await sandbox.run({ argv: ['ls', '/etc'], workspace, network: false });
    expect(without.output).not.toContain('ca-certificates');
    const granted = await sandbox.run({
      argv: ['ls', '/etc'],
      workspace,
      network: true,
      egress: { rules: { mode: 'enforce', anyPublic: true, hosts: [] }, onAttempt: () => undefined },
    });
    expect(granted.output).toContain('ca-certificates');
    expect(granted.output).toContain('passwd');
    expect(granted.output).not.toContain('resolv.conf');
    await expect(sandbox.run({ argv: ['true'], workspace, network: true })).rejects.toSatisfy(
      rejectsWith('BAD_PARAMS'),
    );
  });

  it('refuses an empty command, bad limits, and system directories as the workspace', async () => {
    await expect(sandbox.run({ argv: [], workspace, network: false })).rejects.toSatisfy(
      rejectsWith('BAD_PARAMS'),
    );
    await expect(
      sandbox.run({ argv: ['true'], workspace, network: false, limits: { cpuSeconds: 0 } }),
    ).rejects.toSatisfy(rejectsWith('BAD_PARAMS'));
    for (const bad of ['/', '/usr', '/etc/x', '/proc/1', '/home', '/tmp']) {
      await expect(sandbox.run({ argv: ['true'], workspace: bad, network: false })).rejects.toSatisfy(
        rejectsWith('WORKSPACE_REFUSED'),
      );
    }
    await expect(
      sandbox.run({ argv: ['true'], workspace: 'relative/dir', network: false }),
    ).rejects.toSatisfy(rejectsWith('BAD_PARAMS'));
  });

  it('refuses a workspace whose real path is a system folder: it is never bound writable', async () => {
    for (const target of ['/etc', '/', '/usr/lib', '/proc/self']) {
      const linked = join(base, `run-link-${target.replaceAll('/', '_')}`);
      await symlink(target, linked);
      await expect(
        sandbox.run({ argv: ['sh', '-c', 'touch written-here'], workspace: linked, network: false }),
        target,
      ).rejects.toSatisfy(rejectsWith('WORKSPACE_REFUSED'));
      await expect(sandbox.prepareWorkspace(linked), target).rejects.toSatisfy(
        rejectsWith('WORKSPACE_REFUSED'),
      );
    }
    expect(existsSync('/etc/written-here')).toBe(false);
  });

  it('reports a run that exits 0 as no limit hit, whatever it printed', async () => {
    const result = await sandbox.run({
      argv: ['sh', '-c', 'echo "bash: cannot fork"; echo "bash: fork: Resource temporarily unavailable"'],
      workspace,
      network: false,
    });
    expect(result).toMatchObject({ exitCode: 0, limit: null });
    expect(result.output).toContain('cannot fork');
  });

  it('says when the workspace does not exist', async () => {
    await expect(
      sandbox.run({ argv: ['true'], workspace: join(base, 'missing'), network: false }),
    ).rejects.toSatisfy(rejectsWith('TOOL_FAILED'));
  });
});

describe('Sandbox.prepareWorkspace', () => {
  it('creates the workspace 0700, owned by the sandbox uid when the app is root', async () => {
    const dir = join(base, 'fresh', 'ws');
    await sandbox.prepareWorkspace(dir);
    const info = await stat(dir);
    expect(info.mode & 0o777).toBe(0o700);
    expect(info.uid).toBe(asRoot ? 65534 : process.getuid?.());
  });

  it('hands existing content over without following symlinks or touching hard-linked files', async () => {
    const dir = join(base, 'existing');
    await mkdir(join(dir, 'sub'), { recursive: true });
    await writeFile(join(dir, 'sub', 'file'), 'x');
    const outside = join(base, 'outside-target');
    await writeFile(outside, 'x');
    await symlink(outside, join(dir, 'link'));
    await link(outside, join(dir, 'hardlink'));
    await sandbox.prepareWorkspace(dir);
    if (asRoot) {
      expect((await stat(join(dir, 'sub', 'file'))).uid).toBe(65534);
      expect((await lstat(join(dir, 'link'))).uid).toBe(65534);
    }
    expect((await stat(outside)).uid).toBe(process.getuid?.());
  });

  it('says which parent directory keeps the sandbox user out (as root)', async () => {
    const closed = join(base, 'closed');
    await mkdir(closed, { mode: 0o700 });
    const attempt = sandbox.prepareWorkspace(join(closed, 'ws'));
    if (asRoot) await expect(attempt).rejects.toThrow(/closed to other users.*chmod o\+x/);
    else await attempt;
  });
});

describe('Sandbox with a workspace root', () => {
  it('accepts workspaces really inside the root, refuses the root itself and anything that leads out', async () => {
    const root = join(base, 'roots', 'workspaces');
    await mkdir(root, { recursive: true });
    await chmod(join(base, 'roots'), 0o755);
    await chmod(root, 0o755);
    const rooted = new Sandbox({ logger: silentLogger, workspaceRoots: [root] });
    try {
      const inside = join(root, 'conv-1');
      await rooted.prepareWorkspace(inside);
      expect((await rooted.run({ argv: ['true'], workspace: inside, network: false })).exitCode).toBe(0);

      const elsewhere = join(base, 'elsewhere');
      await mkdir(elsewhere, { mode: 0o700 });
      const escape = join(root, 'conv-2');
      await symlink(elsewhere, escape);
      for (const bad of [root, elsewhere, escape]) {
        await expect(rooted.prepareWorkspace(bad), bad).rejects.toSatisfy(rejectsWith('WORKSPACE_REFUSED'));
        await expect(rooted.run({ argv: ['true'], workspace: bad, network: false }), bad).rejects.toSatisfy(
          rejectsWith('WORKSPACE_REFUSED'),
        );
      }
    } finally {
      await rooted.stop();
    }
  });
});

describe('Sandbox.stop', () => {
  it('kills running calls and removes its generated files', async () => {
    const generated = join(base, 'generated');
    await mkdir(generated, { mode: 0o755 });
    const own = new Sandbox({ logger: silentLogger, tmpDir: generated });
    await own.start();
    const [runtimeDir] = await readdir(generated);
    expect(await readFile(join(generated, runtimeDir!, 'passwd'), 'utf8')).toMatch(/^root:/);
    const running = own.run({ argv: ['sleep', '100'], workspace, network: false });
    await own.stop();
    expect(await running).toMatchObject({ signal: 'SIGKILL' });
    expect(await readdir(generated)).toEqual([]);
  });
});
