/**
 * Applying a lab's accepted changes to the live workspace. Checked before anything is written —
 * the workspace is still where it was, no accepted file changed live since the lab opened (a
 * conflict), none is a special file, setuid/setgid or a symlink out, and no parent on the way is
 * a symlink — so a refused apply writes nothing. Each file lands whole (a temporary name, then a
 * rename), with its permission bits and no setuid/setgid, owned as its folder is.
 */
import { constants } from 'node:fs';
import {
  chmod,
  copyFile,
  lchown,
  lstat,
  mkdir,
  realpath,
  rename,
  rmdir,
  symlink,
  unlink,
} from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { Cell0Error } from '../../protocol/errors.js';
import type { LabChange } from '../../protocol/lab-entities.js';

export interface ApplyTarget {
  /** The live workspace as the lab recorded it, and its real path then. */
  workspace: string;
  realWorkspace: string;
  /** Where the lab's version of a path is read (its upper layer or its copy). */
  labFile(path: string): string;
  /** Give new entries to their folder's owner (the app runs as root). */
  chownNew: boolean;
}

const depth = (path: string) => path.split('/').length;
const list = (paths: string[]) =>
  paths.slice(0, 8).join(', ') + (paths.length > 8 ? ` and ${paths.length - 8} more` : '');

/** The accepted changes: every change, or those naming one of `only` (a rename by either name). */
export function selectChanges(changes: LabChange[], only: readonly string[] | null): LabChange[] {
  if (only === null) return changes;
  const wanted = new Set(only.map((p) => p.replace(/^\.\//, '').replace(/\/+$/, '')));
  const known = new Set(changes.flatMap((c) => (c.from ? [c.path, c.from] : [c.path])));
  const unknown = [...wanted].filter((p) => !known.has(p));
  if (unknown.length > 0) {
    throw new Cell0Error('BAD_PARAMS', `not a change of this lab: ${list(unknown)} (see cell0 lab show ID)`);
  }
  return changes.filter((c) => wanted.has(c.path) || (c.from !== null && wanted.has(c.from)));
}

/** The workspace must still be the real directory the lab was opened over. */
export async function checkWorkspaceStill(target: ApplyTarget): Promise<void> {
  const gone = (why: string) =>
    new Cell0Error(
      'LAB_WORKSPACE_GONE',
      `the lab's workspace ${target.workspace} ${why}: nothing was applied (the lab is kept; discard it with cell0 lab discard)`,
    );
  let info;
  try {
    info = await lstat(target.workspace);
  } catch {
    throw gone('no longer exists');
  }
  if (info.isSymbolicLink() || !info.isDirectory()) throw gone('is no longer a folder');
  if ((await realpath(target.workspace)) !== target.realWorkspace) throw gone('is no longer where it was');
}

/** No existing parent of `path` inside the workspace may be a symlink or anything but a folder. */
async function checkParents(root: string, path: string): Promise<string | null> {
  const parts = path.split('/').slice(0, -1);
  let dir = root;
  for (const part of parts) {
    dir = join(dir, part);
    try {
      const info = await lstat(dir);
      if (info.isSymbolicLink()) return `${path}: its folder ${dir} is a symlink, which apply never follows`;
      if (!info.isDirectory()) return `${path}: ${dir} is not a folder`;
    } catch {
      return null; // Missing from here down: created by this apply.
    }
  }
  return null;
}

async function ownAs(path: string, chownNew: boolean): Promise<void> {
  if (!chownNew) return;
  const parent = await lstat(dirname(path));
  await lchown(path, parent.uid, parent.gid);
}

async function placeFile(target: ApplyTarget, change: LabChange): Promise<void> {
  const dest = join(target.realWorkspace, change.path);
  const tmp = join(dirname(dest), `.cell0-lab-${randomBytes(6).toString('hex')}`);
  const after = change.after!;
  if (after.type === 'symlink') await symlink(after.target ?? '', tmp);
  else await copyFile(target.labFile(change.path), tmp, constants.COPYFILE_EXCL);
  try {
    if (after.type !== 'symlink') await chmod(tmp, after.mode & 0o1777);
    await ownAs(tmp, target.chownNew);
    const live = await lstat(dest).catch(() => null);
    if (live?.isDirectory()) await rmdir(dest);
    await rename(tmp, dest);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

async function makeDir(target: ApplyTarget, path: string, mode: number): Promise<void> {
  const dest = join(target.realWorkspace, path);
  const live = await lstat(dest).catch(() => null);
  if (live && !live.isDirectory()) await unlink(dest);
  if (!live?.isDirectory()) {
    await mkdir(dest);
    await ownAs(dest, target.chownNew);
  }
  await chmod(dest, mode & 0o1777);
}

/**
 * Applies `selected` (already checked for conflicts and refusals by the caller's report) to the
 * live workspace. Returns the paths applied. Throws LAB_CONFLICT / LAB_REFUSED before writing.
 */
export async function applyChanges(
  target: ApplyTarget,
  all: LabChange[],
  selected: LabChange[],
): Promise<string[]> {
  await checkWorkspaceStill(target);
  const conflicts = selected.filter((c) => c.conflict !== null);
  if (conflicts.length > 0) {
    throw new Cell0Error(
      'LAB_CONFLICT',
      `these files changed in the live workspace since the lab opened, and applying would overwrite that: ${list(
        conflicts.map((c) => `${c.path} (${c.conflict})`),
      )}. Nothing was applied; leave them out with --only, or discard the lab`,
    );
  }
  const refused = selected.filter((c) => c.refused !== null);
  const parents = (await Promise.all(selected.map((c) => checkParents(target.realWorkspace, c.path)))).filter(
    (p): p is string => p !== null,
  );
  if (refused.length > 0 || parents.length > 0) {
    throw new Cell0Error(
      'LAB_REFUSED',
      `the lab will not apply ${list([...refused.map((c) => `${c.path} (${c.refused})`), ...parents])}. Nothing was applied; leave them out with --only`,
    );
  }
  // Folders a selected path needs but that were not selected themselves come along.
  const byPath = new Map(all.map((c) => [c.path, c]));
  const chosen = new Map(selected.map((c) => [c.path, c]));
  for (const change of selected) {
    const parts = change.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = byPath.get(parts.slice(0, i).join('/'));
      if (parent && parent.kind === 'created' && !chosen.has(parent.path)) chosen.set(parent.path, parent);
    }
  }
  const changes = [...chosen.values()];
  const dirs = changes
    .filter((c) => c.kind !== 'deleted' && c.after?.type === 'dir')
    .sort((a, b) => depth(a.path) - depth(b.path));
  const files = changes.filter((c) => c.kind !== 'deleted' && c.after?.type !== 'dir');
  const removals = changes.filter((c) => c.kind === 'deleted').sort((a, b) => depth(b.path) - depth(a.path));

  const applied: string[] = [];
  for (const change of dirs) {
    await makeDir(target, change.path, change.after!.mode);
    applied.push(change.path);
  }
  for (const change of files) {
    const dest = join(target.realWorkspace, change.path);
    if (change.kind === 'renamed' && change.from !== null) {
      await rename(join(target.realWorkspace, change.from), dest);
      if (change.modeChanged && change.after!.type === 'file') await chmod(dest, change.after!.mode & 0o1777);
    } else if (change.contentChanged) {
      await placeFile(target, change);
    } else if (change.modeChanged) {
      await chmod(dest, change.after!.mode & 0o1777);
    }
    applied.push(change.path);
  }
  for (const change of removals) {
    const dest = join(target.realWorkspace, change.path);
    const live = await lstat(dest).catch(() => null);
    if (!live) continue;
    if (live.isDirectory()) {
      // A folder whose content was not all accepted for removal stays.
      const kept = await rmdir(dest).then(
        () => false,
        () => true,
      );
      if (kept) continue;
    } else await unlink(dest);
    applied.push(change.path);
  }
  return applied.sort();
}
