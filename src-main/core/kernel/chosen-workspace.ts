/**
 * A workspace folder the owner chose for a conversation, instead of its own folder under the
 * workspace root. The checks refuse anything that would make the sandbox pointless (the system, a
 * whole home directory, Cell 0's own data) or that the sandbox user could not write; Cell 0 never
 * changes the owner or mode of a folder it did not create.
 */
import { constants } from 'node:fs';
import { access, lstat, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { Cell0Error } from '../protocol/errors.js';
import { checkWorkspace } from './sandbox/workspace.js';

export interface ChosenWorkspacePlaces {
  /** Cell 0's data directory: nothing in it may be chosen… */
  dataDir: string;
  /** …except under the default workspaces root (a folder of another conversation, say). */
  workspaceRoot: string;
  /** Who sandboxed tools run as (Sandbox.account()). */
  account: { uid: number; gid: number };
  home?: string;
}

function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

const MORE_SYSTEM = ['/var/lib', '/var/lib/cell0', '/var/lib/cell0/workspaces', '/var/log', '/var/cache'];

/** The folder's real path when it may be the workspace; else a Cell0Error with one of the WORKSPACE_* codes. */
export async function checkChosenWorkspace(path: string, places: ChosenWorkspacePlaces): Promise<string> {
  if (!isAbsolute(path)) {
    throw new Cell0Error(
      'WORKSPACE_NOT_ABSOLUTE',
      `"${path}" is not an absolute path: give the full path of the folder, starting with /`,
    );
  }
  const written = resolve(path);
  const home = places.home ?? homedir();
  if (isSystem(written, home)) throw systemFolder(written, home);
  let info;
  try {
    info = await lstat(written);
  } catch {
    throw new Cell0Error('WORKSPACE_NOT_FOUND', `${written} does not exist: create the folder first`);
  }
  if (info.isSymbolicLink()) {
    const target = await realpath(written).catch(() => null);
    throw new Cell0Error(
      'WORKSPACE_SYMLINK',
      target
        ? `${written} is a symlink to ${target}: choose ${target} itself`
        : `${written} is a symlink that leads nowhere: choose a real folder`,
    );
  }
  if (!info.isDirectory())
    throw new Cell0Error('WORKSPACE_NOT_A_FOLDER', `${written} is a file, not a folder`);
  const real = await realpath(written);
  if (isSystem(real, home)) throw systemFolder(real, home);
  const [dataDir, workspaceRoot] = await Promise.all(
    [places.dataDir, places.workspaceRoot].map((p) => realpath(p).catch(() => resolve(p))),
  );
  const inDefaults = real !== workspaceRoot && within(workspaceRoot!, real);
  if (within(dataDir!, real) && !inDefaults) {
    throw new Cell0Error(
      'WORKSPACE_IN_DATA_DIR',
      `${real} is inside Cell 0's data directory (${dataDir}), which tools must never write: choose a folder elsewhere`,
    );
  }
  if (within(real, dataDir!) || within(real, workspaceRoot!)) {
    throw new Cell0Error(
      'WORKSPACE_IN_DATA_DIR',
      `${real} holds Cell 0's data directory or every conversation's workspace: choose a folder of its own`,
    );
  }
  await checkWritable(real, places.account);
  return real;
}

function isSystem(path: string, home: string): boolean {
  if (path === home || MORE_SYSTEM.includes(path)) return true;
  try {
    checkWorkspace(path);
    return false;
  } catch {
    return true;
  }
}

function systemFolder(path: string, home: string): Cell0Error {
  return new Cell0Error(
    'WORKSPACE_SYSTEM_FOLDER',
    `${path} cannot be a workspace: it is ${path === home ? 'your whole home directory' : 'a system folder'}. Choose a project folder instead`,
  );
}

/** The sandbox user must pass through every parent and write the folder itself. */
async function checkWritable(dir: string, account: { uid: number; gid: number }): Promise<void> {
  const self = process.getuid?.();
  if (self === undefined || account.uid === self) {
    try {
      await access(dir, constants.W_OK | constants.X_OK);
      return;
    } catch {
      throw notWritable(dir, account, `chmod u+rwx ${dir}`);
    }
  }
  const can = async (path: string, bits: number): Promise<boolean> => {
    const s = await stat(path);
    const mode = s.mode;
    if (s.uid === account.uid) return ((mode >> 6) & bits) === bits;
    if (s.gid === account.gid) return ((mode >> 3) & bits) === bits;
    return (mode & bits) === bits;
  };
  for (let parent = dirname(dir); ; parent = dirname(parent)) {
    if (!(await can(parent, 1))) {
      throw notWritable(
        dir,
        account,
        `chmod o+x ${parent} (so it can pass through), or choose a folder elsewhere`,
      );
    }
    if (parent === dirname(parent)) break;
  }
  if (!(await can(dir, 3))) {
    throw notWritable(
      dir,
      account,
      `give the folder to it (chown -R ${account.uid}:${account.gid} ${dir}) or open it to everyone (chmod o+rwx ${dir})`,
    );
  }
}

function notWritable(dir: string, account: { uid: number }, fix: string): Cell0Error {
  return new Cell0Error(
    'WORKSPACE_NOT_WRITABLE',
    `the sandbox user (uid ${account.uid}) cannot write ${dir}, and Cell 0 does not change your folders' owner on its own. To use it: ${fix}`,
  );
}
