import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src-main/core/base/logger.js';
import { withMounts } from '../../../../src-main/core/kernel/sandbox/confined-process.js';
import { Sandbox } from '../../../../src-main/core/kernel/sandbox/sandbox.js';
import { isCell0Error } from '../../../../src-main/core/protocol/errors.js';

let sandbox: Sandbox;
let base: string;
let workspace: string;
let home: string;
let declared: string;

beforeAll(async () => {
  sandbox = new Sandbox({ logger: silentLogger });
  base = await mkdtemp(join(tmpdir(), 'cell0-confined-'));
  await chmod(base, 0o711);
  workspace = join(base, 'ws');
  home = join(base, 'home');
  declared = join(base, 'data');
  for (const dir of [workspace, home, declared]) await sandbox.prepareWorkspace(dir);
});

afterAll(async () => {
  await sandbox.stop();
  await rm(base, { recursive: true, force: true });
});

const spec = () => ({
  argv: ['node', 'server.js'],
  workspace,
  home,
  paths: [{ path: declared, write: false }],
  env: { API_TOKEN: 'secret-token-value' },
  network: null,
});

describe('withMounts', () => {
  it('adds mounts before the root is made read-only and replaces the working directory', () => {
    const args = ['--bind', '/w', '/w', '--remount-ro', '/', '--chdir', '/w', '--clearenv', '--', 'cmd'];
    expect(withMounts(args, ['--ro-bind', '/d', '/d'], ['--args', '3'], '/d')).toEqual([
      '--bind',
      '/w',
      '/w',
      '--ro-bind',
      '/d',
      '/d',
      '--remount-ro',
      '/',
      '--chdir',
      '/d',
      '--clearenv',
      '--args',
      '3',
      '--',
      'cmd',
    ]);
  });
});

describe('Sandbox.confinedCommand', () => {
  it('binds the home and the declared paths as declared, and keeps the variables off the command line', async () => {
    const command = await sandbox.confinedCommand(spec());
    expect(command.sandboxed).toBe(true);
    const args = command.args.join(' ');
    expect(args).toContain(`--bind ${home} ${home}`);
    expect(args).toContain(`--ro-bind ${declared} ${declared}`);
    expect(args).toContain(`--setenv HOME ${home}`);
    expect(args).toContain('--args 3 -- prlimit');
    expect(args).not.toContain('secret-token-value');
    expect(args).not.toContain('--share-net');
    expect(command.fd3).toBe('--setenv\0API_TOKEN\0secret-token-value\0');
    expect(JSON.stringify(command.env)).not.toContain('secret-token-value');
  });

  it('gives a long-lived process no wall clock but an hour of CPU and 4 GiB of address space', async () => {
    const args = (await sandbox.confinedCommand(spec())).args;
    expect(args).toContain('--cpu=3600:3601');
    expect(args).toContain(`--as=${4 * 1024 ** 3}`);
  });

  it('granted network, gets the egress proxy alone: its socket bound in, the relay and the proxy variables', async () => {
    const command = await sandbox.confinedCommand({
      ...spec(),
      network: { rules: { mode: 'enforce', anyPublic: true, hosts: [] }, onAttempt: () => undefined },
    });
    const args = command.args.join(' ');
    expect(args).toMatch(/--ro-bind \S+egress-[0-9a-f]+\.sock \/run\/cell0\/egress\.sock/);
    expect(args).toContain('--setenv https_proxy http://127.0.0.1:3128');
    expect(args).toContain('cell0-net node server.js');
    expect(args).toContain('--unshare-all');
    expect(args).not.toContain('--share-net');
    const socket = /--ro-bind (\S+egress-[0-9a-f]+\.sock)/.exec(args)![1]!;
    expect(existsSync(socket)).toBe(true);
    await command.release();
    expect(existsSync(socket)).toBe(false);
  });

  it('refuses a working directory the sandbox does not show', async () => {
    const err = await sandbox.confinedCommand({ ...spec(), cwd: '/etc' }).catch((e: unknown) => e);
    expect(isCell0Error(err) && err.code).toBe('BAD_PARAMS');
  });

  it('unconfined by the owner’s choice: no bubblewrap, the variables in the environment, limits kept', async () => {
    const command = await sandbox.confinedCommand({ ...spec(), unsandboxed: true });
    expect(command.sandboxed).toBe(false);
    expect(command.file).toMatch(/prlimit$/);
    expect(command.env.API_TOKEN).toBe('secret-token-value');
    expect(command.fd3).toBeNull();
  });
});
