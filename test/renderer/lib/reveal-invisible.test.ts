import { describe, expect, it } from 'vitest';
import { revealInvisible } from '../../../src-renderer/lib/reveal-invisible.js';

describe('revealInvisible', () => {
  it('shows bidirectional overrides, zero-width and control characters', () => {
    expect(revealInvisible('a\u202eb\u200bc\x07')).toBe('a⟨U+202E⟩b⟨U+200B⟩c⟨U+0007⟩');
  });

  it('keeps newlines, tabs and ordinary text', () => {
    expect(revealInvisible('line 1\n\tline 2 — ok')).toBe('line 1\n\tline 2 — ok');
  });
});
