import { describe, expect, it } from 'vitest';
import {
  acceptable,
  applyLabel,
  changeBadge,
  diffLines,
  initialAccepted,
} from '../../../src-renderer/lib/lab-review.js';
import type { LabChange } from '../../../src-main/core/protocol/index.js';

const change = (path: string, extra: Partial<LabChange> = {}): LabChange => ({
  path,
  kind: 'modified',
  from: null,
  before: null,
  after: null,
  diff: null,
  binary: false,
  contentChanged: true,
  modeChanged: false,
  refused: null,
  conflict: null,
  ...extra,
});

describe('the lab review', () => {
  it('starts with every acceptable file accepted; refused and conflicting ones never are', () => {
    const changes = [
      change('a.txt'),
      change('out', { refused: 'a symlink out of the workspace (to /etc)' }),
      change('b.txt', { conflict: 'changed in the live workspace since the lab opened' }),
    ];
    expect([...initialAccepted(changes)]).toEqual(['a.txt']);
    expect(changes.map(acceptable)).toEqual([true, false, false]);
    expect(changes.map(changeBadge)).toEqual(['modified', 'refused', 'conflict']);
  });

  it('says on the Apply button how many files it will touch', () => {
    expect(applyLabel(0)).toBe('Apply nothing');
    expect(applyLabel(1)).toBe('Apply 1 file');
    expect(applyLabel(12)).toBe('Apply 12 files');
  });

  it('marks the lines of a unified diff and drops its file headers', () => {
    const diff =
      '===\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n hello\n-world\n+there\n\\ No newline at end of file\n';
    expect(diffLines(diff).map((l) => l.kind)).toEqual(['hunk', 'context', 'remove', 'add', 'meta']);
  });
});
