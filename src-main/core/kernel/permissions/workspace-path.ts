import nodePath from 'node:path';

type PathFlavour = Pick<typeof nodePath, 'resolve' | 'relative' | 'isAbsolute' | 'sep'>;

/**
 * Where a path points, read lexically: relative paths join the workspace and `..` is folded away.
 * Symlinks are not followed here (that is the sandbox's job, which sees the real file system);
 * this is what the owner is shown and what rules match.
 */
export function resolveLexically(workspace: string, target: string, flavour: PathFlavour = nodePath): string {
  return flavour.resolve(workspace, target);
}

export function isInsideWorkspace(
  workspace: string,
  target: string,
  flavour: PathFlavour = nodePath,
): boolean {
  const root = flavour.resolve(workspace);
  const rel = flavour.relative(root, flavour.resolve(root, target));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${flavour.sep}`) && !flavour.isAbsolute(rel));
}
