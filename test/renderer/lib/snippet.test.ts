import { describe, expect, it } from 'vitest';
import { snippetSegments, snippetText } from '../../../src-renderer/lib/snippet.js';

describe('snippetSegments', () => {
  it('splits marked matches from plain text', () => {
    expect(snippetSegments('we went to \u0001Lisbon\u0002 in \u0001May\u0002.')).toEqual([
      { text: 'we went to ', mark: false },
      { text: 'Lisbon', mark: true },
      { text: ' in ', mark: false },
      { text: 'May', mark: true },
      { text: '.', mark: false },
    ]);
  });

  it('keeps markup as text, for React to escape', () => {
    expect(snippetSegments('<img src=x onerror=alert(1)> \u0001<b>\u0002')).toEqual([
      { text: '<img src=x onerror=alert(1)> ', mark: false },
      { text: '<b>', mark: true },
    ]);
  });

  it('drops empty and stray markers, and runs an unclosed match to the end', () => {
    expect(snippetSegments('\u0001\u0002plain\u0002 text')).toEqual([{ text: 'plain text', mark: false }]);
    expect(snippetSegments('a \u0001match')).toEqual([
      { text: 'a ', mark: false },
      { text: 'match', mark: true },
    ]);
    expect(snippetSegments('')).toEqual([]);
  });

  it('merges adjacent matches', () => {
    expect(snippetSegments('\u0001foo\u0002\u0001bar\u0002')).toEqual([{ text: 'foobar', mark: true }]);
  });

  it('gives the plain text for labels', () => {
    expect(snippetText('a \u0001b\u0002 c')).toBe('a b c');
  });
});
