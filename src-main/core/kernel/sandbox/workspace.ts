/**
 * Workspaces: the one writable place of a sandboxed run. As root the sandbox runs as an
 * unprivileged uid, so the workspace is handed to that uid or nothing could be written there.
 */
import { lchown, lstat, mkdir, readdir, realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Cell0Error } from '../../protocol/errors.js';
import type { Logger } from '../../base/logger.js';

/** Mounting any of these writable would hand the tool the system, the disk or every user's files. */
const SYSTEM_DIRS = [
  '/',
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/home',
  '/lib',
  '/lib64',
  '/media',
  '/mnt',
  '/opt',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/srv',
  '/sys',
  '/tmp',
  '/usr',
  '/var',
  '/var/tmp',
  // macOS
  '/Applications',
  '/Library',
  '/System',
  '/Users',
  '/Volumes',
  '/private',
  '/private/tmp',
  '/private/var',
];
const SYSTEM_TREES = [
  '/dev/',
  '/proc/',
  '/sys/',
  '/usr/',
  '/etc/',
  '/boot/',
  '/run/',
  '/System/',
  '/Library/',
  '/private/etc/',
];

/** Where workspaces may live (the kernel's workspace root); anywhere but the system when not given. */
export interface WorkspacePlaces {
  roots?: readonly string[];
  /** Folders allowed as they are (the owner's chosen workspaces), wherever they are. */
  exact?: readonly string[];
}

function refuse(message: string): Cell0Error {
  return new Cell0Error('WORKSPACE_REFUSED', message);
}

function isSystemPath(path: string): boolean {
  return (
    SYSTEM_DIRS.includes(path) || SYSTEM_TREES.some((tree) => path.startsWith(tree)) || path === homedir()
  );
}

/** Refuses workspaces that would make the sandbox pointless, as written; returns the normalised path. */
export function checkWorkspace(workspace: string): string {
  if (!isAbsolute(workspace)) {
    throw new Cell0Error('BAD_PARAMS', `the workspace must be an absolute path, not "${workspace}"`);
  }
  const normal = resolve(workspace);
  if (isSystemPath(normal)) {
    throw refuse(
      `"${normal}" cannot be a workspace: it is part of the system (or a whole home directory). Choose a project folder instead`,
    );
  }
  return normal;
}

function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Refuses a real place (every symlink followed) that is the system's or outside the roots. */
async function checkPlace(written: string, real: string, places: WorkspacePlaces): Promise<void> {
  if (isSystemPath(real)) {
    throw refuse(
      `"${written}" cannot be a workspace: it leads to ${real}, which is part of the system. Choose a project folder instead`,
    );
  }
  if (!places.roots || places.exact?.includes(real)) return;
  const roots = await Promise.all(places.roots.map((root) => realpath(root).catch(() => null)));
  if (!roots.some((root) => root !== null && root !== real && isWithin(root, real))) {
    throw refuse(
      `"${written}" cannot be a workspace: it leads to ${real}, outside the folders where workspaces live (${places.roots.join(', ')})`,
    );
  }
}

/**
 * The same check on where the workspace really is, every symlink followed: a workspace that is a
 * symlink to /etc reads fine as written but would bind /etc writable. With `roots`, the real path
 * must also lie inside one of them (each root itself followed to its real place). Returns it.
 */
export async function checkRealWorkspace(workspace: string, places: WorkspacePlaces = {}): Promise<string> {
  const written = checkWorkspace(workspace);
  const real = await realpath(written);
  await checkPlace(written, real, places);
  return real;
}

/** Where a path that may not exist yet would really be: its deepest existing ancestor followed. */
async function realPlannedPath(path: string): Promise<string> {
  const missing: string[] = [];
  for (let dir = path; ; dir = dirname(dir)) {
    try {
      return join(await realpath(dir), ...missing.reverse());
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dir === dirname(dir)) throw err;
      missing.push(basename(dir));
    }
  }
}

/**
 * bwrap starts as the sandbox uid, so it must be able to walk down to the workspace: a parent such
 * as /root (0700) would make every run fail with a bare "Can't find source path".
 */
async function checkReachable(workspace: string, account: { uid: number; gid: number }): Promise<void> {
  for (let dir = dirname(workspace); ; dir = dirname(dir)) {
    const info = await lstat(dir);
    const searchable =
      (info.mode & 0o001) !== 0 ||
      (info.uid === account.uid && (info.mode & 0o100) !== 0) ||
      (info.gid === account.gid && (info.mode & 0o010) !== 0);
    if (!searchable) {
      throw new Cell0Error(
        'TOOL_FAILED',
        `the sandbox user (uid ${account.uid}) cannot reach the workspace ${workspace}: ${dir} is closed to ` +
          `other users. Choose a workspace elsewhere, or allow passing through with chmod o+x ${dir}`,
      );
    }
    if (dir === dirname(dir)) return;
  }
}

/**
 * Creates the workspace (0700) and, when the app runs as root, gives it to the sandbox uid,
 * existing content included. Symlinks are changed themselves, never followed; a file with more than
 * one hard link is left alone, since its other name may be a file outside the workspace.
 */
export async function prepareWorkspace(
  dir: string,
  account: { uid: number; gid: number } | null,
  logger: Logger,
  places: WorkspacePlaces = {},
): Promise<void> {
  const workspace = checkWorkspace(dir);
  // Before anything is created: a symlinked parent must not make mkdir write into the system.
  await checkPlace(workspace, await realPlannedPath(workspace), places);
  // Missing parents get the usual mode: 0700 parents would shut the sandbox user out as root.
  await mkdir(dirname(workspace), { recursive: true });
  await mkdir(workspace, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  await checkRealWorkspace(workspace, places);
  if (!account) return;
  await checkReachable(workspace, account);
  const visit = async (path: string): Promise<void> => {
    const info = await lstat(path);
    if (info.isFile() && info.nlink > 1) {
      logger.warn(`sandbox: not giving ${path} to the sandbox user: it has other hard links`);
      return;
    }
    if (info.uid !== account.uid || info.gid !== account.gid) {
      // lchown: a symlink planted in the workspace must not give its target away.
      await lchown(path, account.uid, account.gid);
    }
    if (info.isDirectory()) {
      for (const name of await readdir(path)) await visit(join(path, name));
    }
  };
  await visit(workspace);
}
