/**
 * Finding a server's command. An app started from the desktop (Finder, a .desktop launcher) gets
 * the session's bare PATH, not the one the owner's shell profile builds, so `npx` or `uvx` from
 * nvm, Homebrew or ~/.local would not be found: the login shell's PATH is read once, at start.
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { Cell0Error } from '../protocol/errors.js';
import { SANDBOX_PATH } from '../kernel/sandbox/environment.js';
import type { McpPath } from '../protocol/mcp-entities.js';

const START = '__CELL0_PATH__';
const END = '__CELL0_END__';

/** Reads PATH as the owner's login shell sets it; null when there is no such shell or it fails. */
export function readLoginPath(
  shell: string | undefined = process.env.SHELL,
  timeoutMs = 5000,
  platform: NodeJS.Platform = process.platform,
): Promise<string | null> {
  if (platform === 'win32' || !shell || !isAbsolute(shell)) return Promise.resolve(null);
  const fish = /fish$/.test(shell);
  const print = fish
    ? `printf '${START}%s${END}' (string join : $PATH)`
    : `printf '${START}%s${END}' "$PATH"`;
  return new Promise((done) => {
    execFile(
      shell,
      ['-ilc', print],
      // Only what a login shell needs to find its profile; its own output is read for PATH alone.
      {
        timeout: timeoutMs,
        env: { HOME: process.env.HOME ?? '', USER: process.env.USER ?? '', TERM: 'dumb' },
        maxBuffer: 1024 * 1024,
      },
      (_err, stdout) => {
        // A profile that prints or fails after setting PATH still gave us PATH: read it either way.
        const match = new RegExp(`${START}(.*?)${END}`, 's').exec(stdout ?? '');
        done(match?.[1] ? match[1] : null);
      },
    );
  });
}

/** The login shell's PATH first, then the app's own; each directory once. */
export function mergePath(login: string | null, own: string | undefined): string[] {
  const dirs = [...(login ?? '').split(delimiter), ...(own ?? '').split(delimiter)];
  return [...new Set(dirs.filter((d) => d !== '' && isAbsolute(d)))];
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function search(command: string, dirs: readonly string[]): Promise<string | null> {
  for (const dir of dirs) {
    const file = join(dir, command);
    if (await isExecutable(file)) return file;
  }
  return null;
}

function under(path: string, place: string): boolean {
  const p = resolve(path);
  const root = resolve(place);
  return p === root || p.startsWith(`${root}/`);
}

export interface ResolvedCommand {
  /** What to run: a bare name found on the PATH inside the sandbox, or an absolute path. */
  command: string;
  /** Directories the PATH inside needs besides the sandbox's own (within declared paths). */
  pathDirs: string[];
}

/** An unconfined server's command, found on the merged PATH. */
export async function resolveUnconfined(
  command: string,
  searchPath: readonly string[],
): Promise<ResolvedCommand> {
  if (command.includes('/')) return { command: resolve(command), pathDirs: [] };
  const found = await search(command, searchPath);
  if (found) return { command: found, pathDirs: [] };
  throw new Cell0Error(
    'MCP_SERVER_FAILED',
    `“${command}” was not found on this machine (searched your login shell’s PATH: ${searchPath.join(delimiter) || 'empty'}). Install it, or give its full path.`,
  );
}

/**
 * A confined server's command: it must be somewhere the sandbox shows (/usr, or a path the owner
 * declared for this server). Found only elsewhere, the owner is told which folder to declare.
 */
export async function resolveConfined(
  command: string,
  searchPath: readonly string[],
  declared: readonly McpPath[],
): Promise<ResolvedCommand> {
  const visible = (file: string) => under(file, '/usr') || declared.some((d) => under(file, d.path));
  const lacking = (file: string) =>
    new Cell0Error(
      'MCP_SERVER_FAILED',
      `“${command}” is ${file}, which the sandbox does not show (it sees /usr, the workspace and the paths you declared). ` +
        `Add ${dirname(file)} (read-only) to this server’s paths, or run the server unconfined.`,
    );
  if (command.includes('/')) {
    const file = resolve(command);
    if (!visible(file)) throw lacking(file);
    return { command: file, pathDirs: [] };
  }
  const inside = await search(command, SANDBOX_PATH.split(':'));
  if (inside) return { command, pathDirs: [] };
  const found = await search(command, searchPath);
  if (!found) {
    throw new Cell0Error(
      'MCP_SERVER_FAILED',
      `“${command}” was not found on this machine (searched ${SANDBOX_PATH} and your login shell’s PATH). Install it, or give its full path.`,
    );
  }
  if (!visible(found)) throw lacking(found);
  // Its folder goes on the PATH inside, so an `#!/usr/bin/env node` beside it is found too.
  return { command, pathDirs: [dirname(found)] };
}
