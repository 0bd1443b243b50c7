/**
 * The lab's changeset as the review shows it: which files start accepted, what the Apply button
 * says, and how a diff's lines are marked. Pure, so the rules are tested without a window.
 */
import type { LabChange } from '../../src-main/core/protocol/index.js';

/** A change that can be accepted: not refused by the lab, not in conflict with a live edit. */
export function acceptable(change: LabChange): boolean {
  return change.refused === null && change.conflict === null;
}

/** Every acceptable change starts accepted; refused and conflicting ones cannot be. */
export function initialAccepted(changes: readonly LabChange[]): Set<string> {
  return new Set(changes.filter(acceptable).map((c) => c.path));
}

export function applyLabel(count: number): string {
  return count === 0 ? 'Apply nothing' : `Apply ${count} ${count === 1 ? 'file' : 'files'}`;
}

/** What the file list shows beside a path. */
export function changeBadge(
  change: LabChange,
): 'created' | 'modified' | 'deleted' | 'renamed' | 'conflict' | 'refused' {
  if (change.conflict !== null) return 'conflict';
  if (change.refused !== null) return 'refused';
  return change.kind;
}

export type DiffLineKind = 'add' | 'remove' | 'hunk' | 'meta' | 'context';

/** A unified diff's lines with their kind, the file headers dropped. */
export function diffLines(diff: string): { kind: DiffLineKind; text: string }[] {
  const lines = diff.replace(/\n$/, '').split('\n');
  const out: { kind: DiffLineKind; text: string }[] = [];
  for (const line of lines) {
    if (
      line.startsWith('===') ||
      line.startsWith('Index:') ||
      line.startsWith('--- ') ||
      line.startsWith('+++ ')
    )
      continue;
    if (line.startsWith('@@')) out.push({ kind: 'hunk', text: line });
    else if (line.startsWith('+')) out.push({ kind: 'add', text: line });
    else if (line.startsWith('-')) out.push({ kind: 'remove', text: line });
    else if (line.startsWith('\\')) out.push({ kind: 'meta', text: line });
    else out.push({ kind: 'context', text: line });
  }
  return out;
}

export function formatBytes(n: number): string {
  return n < 1024
    ? `${n} B`
    : n < 1024 ** 2
      ? `${(n / 1024).toFixed(1)} KB`
      : `${(n / 1024 ** 2).toFixed(1)} MB`;
}

export const octalMode = (mode: number) => (mode & 0o7777).toString(8).padStart(3, '0');
