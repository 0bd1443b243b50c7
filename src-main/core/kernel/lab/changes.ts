/**
 * What a lab changed: the live tree as it was when the lab opened, compared with the lab's view
 * now — created, modified, deleted and renamed paths, text diffs, binary changes by size and hash,
 * mode changes, symlinks and their targets, and whatever the lab would refuse to apply.
 */
import { lstat, open } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import { createRequire } from 'node:module';
import type * as Diff from 'diff';
import type { LabChange, LabEntryState } from '../../protocol/lab-entities.js';
import { hashFile, type Tree, type TreeEntry } from './tree-listing.js';

/** Where the lab's bytes and the live bytes are on the host. */
export interface ChangeSources {
  /** The live workspace (its real path). */
  live: string;
  /** Where the lab's version of a path is read: its upper layer (overlay) or its copy. */
  labFile(path: string): string;
  /**
   * Whether the lab may have changed this path's content or mode: in its upper layer (overlay),
   * or differing from the base by stat (a copy).
   */
  touched(path: string, base: TreeEntry, now: TreeEntry): boolean;
}

/** Text diffs of files up to this size; larger ones are shown by size and hash. */
const DIFF_MAX_BYTES = 1024 * 1024;
/** A diff longer than this is cut (the file is still applied whole). */
const DIFF_MAX_CHARS = 256 * 1024;

const isFileLike = (e: TreeEntry) => e.type === 'file';

/** Why the lab will not apply an entry of this shape, or null. */
export function refusalOf(path: string, entry: TreeEntry, workspace: string): string | null {
  if (entry.type === 'fifo') return 'a FIFO: the lab never applies special files';
  if (entry.type === 'socket') return 'a socket: the lab never applies special files';
  if (entry.type === 'device') return 'a device node: the lab never applies special files';
  if (entry.type === 'other') return 'not a file, folder or symlink';
  if ((entry.mode & 0o6000) !== 0) return 'its setuid or setgid bit is set: the lab never applies those';
  if (entry.type === 'symlink' && entry.target !== null && symlinkLeaves(path, entry.target, workspace)) {
    return `a symlink out of the workspace (to ${entry.target})`;
  }
  return null;
}

/** Whether a symlink at `path` (relative) pointing at `target` leads outside the workspace. */
export function symlinkLeaves(path: string, target: string, workspace: string): boolean {
  if (isAbsolute(target)) {
    const rel = relative(workspace, target);
    return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  }
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  return resolved === '..' || resolved.startsWith('../');
}

/** Reads a file as text if it is small, valid UTF-8 and has no NUL byte; null otherwise. */
async function textOf(path: string, size: number): Promise<string | null> {
  if (size > DIFF_MAX_BYTES) return null;
  const handle = await open(path, 'r');
  try {
    const bytes = await handle.readFile();
    if (bytes.includes(0)) return null;
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return null;
    }
  } finally {
    await handle.close();
  }
}

function state(entry: TreeEntry, sha256: string | null): LabEntryState {
  return {
    type: entry.type,
    mode: entry.mode,
    size: entry.type === 'dir' ? 0 : entry.size,
    sha256,
    target: entry.target,
  };
}

/** The live path changed since the lab opened (by stat), or null when it did not. */
async function liveConflict(live: string, path: string, base: TreeEntry | undefined): Promise<string | null> {
  let info;
  try {
    info = await lstat(join(live, path));
  } catch {
    return base ? 'deleted in the live workspace since the lab opened' : null;
  }
  if (!base) return 'created in the live workspace since the lab opened';
  const sameType =
    (base.type === 'file' && info.isFile()) ||
    (base.type === 'dir' && info.isDirectory()) ||
    (base.type === 'symlink' && info.isSymbolicLink());
  if (!sameType) return 'replaced in the live workspace since the lab opened';
  if (base.type === 'dir') return (info.mode & 0o7777) === base.mode ? null : 'its mode changed live';
  if (
    info.size !== base.size ||
    Math.abs(info.mtimeMs - base.mtimeMs) > 1 ||
    (info.mode & 0o7777) !== base.mode
  ) {
    return 'changed in the live workspace since the lab opened';
  }
  return null;
}

async function textDiff(
  path: string,
  before: { file: string; entry: TreeEntry } | null,
  after: { file: string; entry: TreeEntry } | null,
  fromPath: string = path,
): Promise<{ diff: string | null; binary: boolean }> {
  const readSide = async (side: typeof before) =>
    side === null ? '' : side.entry.type === 'file' ? await textOf(side.file, side.entry.size) : null;
  const [a, b] = await Promise.all([readSide(before), readSide(after)]);
  if (a === null || b === null) return { diff: null, binary: (before ?? after)?.entry.type === 'file' };
  if (a === b) return { diff: null, binary: false };
  // diff loads with the first lab reviewed, not with the core (its CommonJS build, as preview.ts loads it).
  const { createTwoFilesPatch } = createRequire(import.meta.url)('diff') as typeof Diff;
  let diff = createTwoFilesPatch(
    before ? `a/${fromPath}` : '/dev/null',
    after ? `b/${path}` : '/dev/null',
    a,
    b,
    undefined,
    undefined,
    { context: 3 },
  );
  if (diff.length > DIFF_MAX_CHARS)
    diff = `${diff.slice(0, DIFF_MAX_CHARS)}\n[diff cut at ${DIFF_MAX_CHARS} characters]\n`;
  return { diff, binary: false };
}

/**
 * Every change of `now` (the lab's view) against `base` (the live tree when the lab opened),
 * sorted by path. Files keep their hashes both sides; a deleted file whose bytes reappear under a
 * new name is one rename.
 */
export async function computeChanges(base: Tree, now: Tree, sources: ChangeSources): Promise<LabChange[]> {
  const liveFile = (path: string) => join(sources.live, path);
  const created: string[] = [];
  const deleted: string[] = [];
  const modified: LabChange[] = [];

  for (const [path, after] of now) {
    const before = base.get(path);
    if (!before) {
      created.push(path);
      continue;
    }
    if (!sources.touched(path, before, after)) continue;
    const typeChanged = before.type !== after.type;
    const modeChanged = before.mode !== after.mode;
    let contentChanged = typeChanged;
    let beforeHash: string | null = null;
    let afterHash: string | null = null;
    if (!typeChanged && isFileLike(after)) {
      [beforeHash, afterHash] = await Promise.all([
        hashFile(liveFile(path)),
        hashFile(sources.labFile(path)),
      ]);
      contentChanged = beforeHash !== afterHash;
    } else if (!typeChanged && after.type === 'symlink') {
      contentChanged = before.target !== after.target;
    }
    if (!contentChanged && !modeChanged) continue;
    const { diff, binary } = contentChanged
      ? await textDiff(
          path,
          { file: liveFile(path), entry: before },
          { file: sources.labFile(path), entry: after },
        )
      : { diff: null, binary: false };
    modified.push({
      path,
      kind: 'modified',
      from: null,
      before: state(before, beforeHash),
      after: state(after, afterHash),
      diff,
      binary,
      contentChanged,
      modeChanged,
      refused: refusalOf(path, after, sources.live),
      conflict: await liveConflict(sources.live, path, before),
    });
  }
  for (const path of base.keys()) if (!now.has(path)) deleted.push(path);

  // Hashes of created files, and of deleted files of the same size (rename candidates).
  const createdHash = new Map<string, string>();
  for (const path of created) {
    const entry = now.get(path)!;
    if (entry.type === 'file') createdHash.set(path, await hashFile(sources.labFile(path)));
  }
  const createdSizes = new Set([...createdHash.keys()].map((p) => now.get(p)!.size));
  const deletedHash = new Map<string, string>();
  for (const path of deleted) {
    const entry = base.get(path)!;
    if (
      entry.type === 'file' &&
      createdSizes.has(entry.size) &&
      (await liveConflict(sources.live, path, entry)) === null
    ) {
      deletedHash.set(path, await hashFile(liveFile(path)));
    }
  }
  const renamedFrom = new Map<string, string>();
  const usedDeleted = new Set<string>();
  for (const [path, hash] of createdHash) {
    const from = [...deletedHash].find(([d, h]) => h === hash && !usedDeleted.has(d))?.[0];
    if (from !== undefined) {
      renamedFrom.set(path, from);
      usedDeleted.add(from);
    }
  }

  const changes: LabChange[] = [...modified];
  for (const path of created) {
    const after = now.get(path)!;
    const from = renamedFrom.get(path) ?? null;
    const before = from === null ? null : base.get(from)!;
    const modeChanged = before !== null && before.mode !== after.mode;
    const { diff, binary } =
      from === null
        ? await textDiff(path, null, { file: sources.labFile(path), entry: after })
        : { diff: null, binary: false };
    const conflicts = [await liveConflict(sources.live, path, undefined)];
    if (from !== null) conflicts.push(await liveConflict(sources.live, from, before!));
    changes.push({
      path,
      kind: from === null ? 'created' : 'renamed',
      from,
      before: before === null ? null : state(before, deletedHash.get(from!) ?? null),
      after: state(after, createdHash.get(path) ?? null),
      diff,
      binary,
      contentChanged: from === null,
      modeChanged,
      refused: refusalOf(path, after, sources.live),
      conflict: conflicts.find((c) => c !== null) ?? null,
    });
  }
  for (const path of deleted) {
    if (usedDeleted.has(path)) continue;
    const before = base.get(path)!;
    const { diff, binary } = await textDiff(path, { file: liveFile(path), entry: before }, null).catch(
      () => ({
        diff: null,
        binary: before.type === 'file',
      }),
    );
    changes.push({
      path,
      kind: 'deleted',
      from: null,
      before: state(before, null),
      after: null,
      diff,
      binary,
      contentChanged: true,
      modeChanged: false,
      refused: null,
      conflict: await liveConflict(sources.live, path, before),
    });
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
