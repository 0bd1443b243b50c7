import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sandboxCommand } from '../../../../src-main/cli/sandbox-command.js';

let base: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'cell0-cli-test-'));
  await chmod(base, 0o711);
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

async function cli(
  ...args: string[]
): Promise<{ stdout: string; stderr: string; exitCode: number | undefined }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  await sandboxCommand(args);
  vi.restoreAllMocks();
  const exitCode = process.exitCode === undefined ? undefined : Number(process.exitCode);
  process.exitCode = undefined;
  return { stdout, stderr, exitCode };
}

describe('cell0 sandbox run', () => {
  it('runs the command confined, streams its output and exits with its code', async () => {
    const result = await cli('run', '--', 'sh', '-c', 'echo hello; id -u; exit 3');
    expect(result.stdout).toMatch(/^hello\n\d+\n$/);
    if (process.getuid?.() === 0) expect(result.stdout).toContain('65534');
    expect(result.stderr).toMatch(/cell0 sandbox: exit 3 · \d+ ms · sandboxed yes/);
    expect(result.exitCode).toBe(3);
  });

  it('uses a temporary workspace, prints it, and removes it afterwards', async () => {
    const result = await cli('run', '--', 'sh', '-c', 'touch left-behind; pwd');
    const workspace = /workspace (\S+) \(removed afterwards\)/.exec(result.stderr)?.[1];
    expect(workspace).toBeDefined();
    expect(result.stdout.trim()).toBe(workspace);
    expect(existsSync(workspace!)).toBe(false);
    expect(result.exitCode).toBe(0);
  });

  it('writes into a given workspace and keeps it', async () => {
    const workspace = join(base, 'given');
    const result = await cli('run', '--workspace', workspace, '--', 'sh', '-c', 'echo kept > out.txt');
    expect(result.exitCode).toBe(0);
    expect(await readFile(join(workspace, 'out.txt'), 'utf8')).toBe('kept\n');
  });

  it('stops the command at --timeout and names the limit', async () => {
    const result = await cli('run', '--timeout', '0.5', '--', 'sleep', '30');
    expect(result.stderr).toMatch(/killed by SIGKILL · limit wall-clock hit · \d+ ms · sandboxed yes/);
    expect(result.exitCode).toBe(137);
  });

  it('has no network without --net and has it with --net', async () => {
    const without = await cli('run', '--', 'ls', '/etc');
    expect(without.stdout).not.toContain('resolv.conf');
    const granted = await cli('run', '--net', '--', 'ls', '/etc');
    expect(granted.stdout).toContain('resolv.conf');
  });

  it('exits 125 with the reason when the sandbox refuses the run', async () => {
    const result = await cli('run', '--workspace', '/', '--', 'true');
    expect(result.stderr).toMatch(/cannot be a workspace.*\[WORKSPACE_REFUSED\]/);
    expect(result.exitCode).toBe(125);
  });

  it('refuses a --workspace that is a symlink to a system folder, before anything runs', async () => {
    for (const target of ['/etc', '/', '/usr/lib']) {
      const linked = join(base, `link-to-${target.replaceAll('/', '_')}`);
      await symlink(target, linked);
      const result = await cli('run', '--workspace', linked, '--', 'sh', '-c', 'echo ran');
      expect(result.stderr, target).toMatch(
        new RegExp(
          `"${linked}" cannot be a workspace: it leads to ${target}, which is part of the system.*\\[WORKSPACE_REFUSED\\]`,
        ),
      );
      expect(result.stdout, target).toBe('');
      expect(result.exitCode, target).toBe(125);
    }
    // Nor through a symlinked parent: nothing is created in the system folder it leads to.
    const parent = join(base, 'parent-link');
    await symlink('/etc', parent);
    const result = await cli('run', '--workspace', join(parent, 'cell0-ws-test'), '--', 'true');
    expect(result.stderr).toMatch(/cannot be a workspace.*\[WORKSPACE_REFUSED\]/);
    expect(existsSync('/etc/cell0-ws-test')).toBe(false);
    expect(result.exitCode).toBe(125);
  });

  it.each([
    [[], /missing subcommand/],
    [['exec', '--', 'true'], /unknown subcommand "exec"/],
    [['run'], /no command/],
    [['run', '--'], /no command/],
    [['run', '--bogus', '--', 'true'], /bogus/],
    [['run', '--timeout', 'soon', '--', 'true'], /--timeout must be a positive number/],
  ])('rejects %j with usage and exit code 2', async (args, message) => {
    const result = await cli(...args);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Usage: cell0 sandbox run');
    expect(result.exitCode).toBe(2);
  });
});
