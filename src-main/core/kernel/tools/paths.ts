import { isAbsolute, join, normalize, relative } from 'node:path';

/** Where a path given by the model points, read lexically against the workspace. */
export function resolveInWorkspace(workspace: string, path: string): string {
  return normalize(isAbsolute(path) ? path : join(workspace, path));
}

export function isInsideWorkspace(workspace: string, path: string): boolean {
  const rel = relative(workspace, resolveInWorkspace(workspace, path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Runs inside the sandbox before a file tool touches anything: resolves the path with every
 * symlink followed (realpath) and refuses when the real target is not in the workspace. The
 * lexical check above is for the permission card; this one is what actually holds.
 */
export const WORKSPACE_GUARD = `set -eu
ws="$1"; target="$2"; shift 2
p=$(realpath -m -- "$target") || { echo "cell0: cannot resolve $target" >&2; exit 3; }
case "$p" in "$ws"|"$ws"/*) ;; *) echo "cell0: $target leads outside the workspace; refused" >&2; exit 3;; esac
`;
