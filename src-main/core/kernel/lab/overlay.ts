/**
 * The lab's copy-on-write view on Linux: a kernel overlayfs with the live workspace as its
 * read-only lower layer and the lab's own upper layer, mounted in a private mount namespace
 * (`unshare -m` as root, `unshare -rm` in a user namespace otherwise) just for one confined run,
 * and bound into the sandbox at the workspace's path. Debian's bubblewrap 0.8 has no --overlay, so
 * the mount is made first and bwrap is exec'd inside that namespace. Nothing is mounted on the
 * host: the mount ends with the run, the upper layer stays on disk.
 */
import { Cell0Error } from '../../protocol/errors.js';
import { findArgs, listWith, type Tree } from './tree-listing.js';

/** Where one lab's layers are on the host. */
export interface OverlayLayers {
  /** The live workspace (its real path): read, never written. */
  lower: string;
  /** The lab's changes: created files, copied-up files, whiteouts for deletions. */
  upper: string;
  /** overlayfs's scratch directory, on the same filesystem as upper. */
  work: string;
  /** The mount point of the merged view (inside the namespace). */
  merged: string;
}

export const UNSHARE = '/usr/bin/unshare';

/** overlayfs separates its options with commas and layers with colons: escape them in paths. */
export function escapeLayer(path: string): string {
  return path.replace(/([\\,:])/g, '\\$1');
}

export function overlayOptions(layers: OverlayLayers): string {
  return `lowerdir=${escapeLayer(layers.lower)},upperdir=${escapeLayer(layers.upper)},workdir=${escapeLayer(layers.work)}`;
}

/**
 * The read-only view for reading a lab: the upper layer stacked on the live tree as two lower
 * layers (whiteouts and opaque directories honoured), no work directory, nothing writable.
 */
export function readOnlyOptions(layers: OverlayLayers): string {
  return `lowerdir=${escapeLayer(layers.upper)}:${escapeLayer(layers.lower)}`;
}

const MOUNT_SCRIPT = [
  'mount -t overlay cell0-lab -o "$1" "$2" || { echo "cell0: the lab could not mount its overlay" >&2; exit 125; }',
  'shift 2',
  'exec "$@"',
].join('\n');

/** The unshare prefix: `unshare … sh -c MOUNT … COMMAND…` (root: a mount namespace; else a user one too). */
export function overlayLaunchArgs(
  options: string,
  merged: string,
  asRoot: boolean,
  command: string[],
): string[] {
  return [
    ...(asRoot ? [] : ['--user', '--map-root-user']),
    '--mount',
    '--propagation',
    'private',
    '--',
    '/bin/sh',
    '-c',
    MOUNT_SCRIPT,
    'cell0-lab',
    options,
    merged,
    ...command,
  ];
}

/** The merged view as the lab's command saw it, listed inside a namespace of its own. */
export async function listMerged(layers: OverlayLayers, asRoot: boolean): Promise<Tree> {
  try {
    return await listWith(
      UNSHARE,
      overlayLaunchArgs(readOnlyOptions(layers), layers.merged, asRoot, ['find', ...findArgs(layers.merged)]),
    );
  } catch (err) {
    throw new Cell0Error('LAB_UNAVAILABLE', `the lab's view could not be read: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
