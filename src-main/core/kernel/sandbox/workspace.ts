/**
 * Workspaces: the one writable place of a sandboxed run. As root the sandbox runs as an
 * unprivileged uid, so the workspace is handed to that uid or nothing could be written there.
 */
import { lchown, lstat, mkdir, readdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { Cell0Error } from '../../protocol/errors.js';
import type { Logger } from '../../base/logger.js';

/** Mounting any of these writable would hand the tool the system (or the whole disk). */
const SYSTEM_DIRS = [
  '/',
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib64',
  '/proc',
  '/run',
  '/sbin',
  '/sys',
  '/usr',
  '/var',
];
const SYSTEM_TREES = ['/dev/', '/proc/', '/sys/', '/usr/', '/etc/', '/boot/', '/run/'];

/** Refuses workspaces that would make the sandbox pointless; returns the normalised path. */
export function checkWorkspace(workspace: string): string {
  if (!isAbsolute(workspace)) {
    throw new Cell0Error('BAD_PARAMS', `the workspace must be an absolute path, not "${workspace}"`);
  }
  const normal = resolve(workspace);
  if (SYSTEM_DIRS.includes(normal) || SYSTEM_TREES.some((tree) => normal.startsWith(tree))) {
    throw new Cell0Error(
      'BAD_PARAMS',
      `"${normal}" cannot be a workspace: it is part of the system. Choose a project folder instead`,
    );
  }
  return normal;
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
): Promise<void> {
  const workspace = checkWorkspace(dir);
  // Missing parents get the usual mode: 0700 parents would shut the sandbox user out as root.
  await mkdir(dirname(workspace), { recursive: true });
  await mkdir(workspace, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
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
