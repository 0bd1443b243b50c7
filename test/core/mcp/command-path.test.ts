import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  mergePath,
  readLoginPath,
  resolveConfined,
  resolveUnconfined,
} from '../../../src-main/core/mcp/command-path.js';
import { isCell0Error } from '../../../src-main/core/protocol/errors.js';
import { tempDir } from '../../helpers/core.js';

let dir: { path: string; remove(): Promise<void> };
let bin: string;

beforeAll(async () => {
  dir = await tempDir('cell0-path-');
  bin = join(dir.path, 'tools', 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, 'uvx'), '#!/bin/sh\n');
  await chmod(join(bin, 'uvx'), 0o755);
});
afterAll(() => dir.remove());

describe('the login shell’s PATH', () => {
  it('is read from a login shell, whatever its profile prints around it', async () => {
    // A "login shell" whose profile talks and sets PATH, as a real ~/.profile may.
    const shell = join(dir.path, 'fake-login-shell');
    await writeFile(
      shell,
      `#!/bin/sh\necho "Welcome back"\n[ "$1" = "-ilc" ] || exit 9\nPATH=/opt/homebrew/bin:${bin}:/usr/bin\nexport PATH\neval "$2"\necho "bye"\n`,
    );
    await chmod(shell, 0o755);
    expect(await readLoginPath(shell)).toBe(`/opt/homebrew/bin:${bin}:/usr/bin`);
  });

  it('is null without a usable shell, and merged first, each folder once', async () => {
    expect(await readLoginPath('')).toBeNull();
    expect(await readLoginPath('relative/sh')).toBeNull();
    expect(mergePath('/a:/b', '/b:/c::relative')).toEqual(['/a', '/b', '/c']);
  });
});

describe('finding a server’s command', () => {
  it('unconfined: found on the merged PATH', async () => {
    expect(await resolveUnconfined('uvx', [bin])).toEqual({ command: join(bin, 'uvx'), pathDirs: [] });
    const err = await resolveUnconfined('no-such-tool-x', [bin]).catch((e: unknown) => e);
    expect(isCell0Error(err) && err.message).toContain('“no-such-tool-x” was not found on this machine');
  });

  it('confined: a command in /usr is found inside as it is', async () => {
    expect(await resolveConfined('node', [], [])).toEqual({ command: 'node', pathDirs: [] });
  });

  it('confined: elsewhere, the owner is told which folder to declare, and once declared it is on the PATH inside', async () => {
    const err = await resolveConfined('uvx', [bin], []).catch((e: unknown) => e);
    expect(isCell0Error(err) && err.message).toBe(
      `“uvx” is ${join(bin, 'uvx')}, which the sandbox does not show (it sees /usr, the workspace and the paths you declared). Add ${bin} (read-only) to this server’s paths, or run the server unconfined.`,
    );
    const declared = [{ path: join(dir.path, 'tools'), write: false }];
    expect(await resolveConfined('uvx', [bin], declared)).toEqual({ command: 'uvx', pathDirs: [bin] });
  });
});
