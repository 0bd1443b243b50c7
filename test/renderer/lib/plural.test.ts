import { describe, expect, it } from 'vitest';
import { plural, pluralWord } from '../../../src-renderer/lib/plural.js';

describe('plural', () => {
  it('is singular for exactly one and plural otherwise, zero included', () => {
    expect(plural(1, 'agent')).toBe('1 agent');
    expect(plural(2, 'agent')).toBe('2 agents');
    expect(plural(0, 'agent')).toBe('0 agents');
    expect(plural(1, 'tool call')).toBe('1 tool call');
    expect(plural(3, 'tool call')).toBe('3 tool calls');
  });

  it('takes irregular plurals', () => {
    expect(plural(1, 'memory', 'memories')).toBe('1 memory');
    expect(plural(5, 'memory', 'memories')).toBe('5 memories');
    expect(pluralWord(2, 'reply', 'replies')).toBe('replies');
  });

  it('writes large counts with separators, or as the caller shows them, the noun following the count', () => {
    expect(plural(12_345, 'token')).toBe('12,345 tokens');
    expect(plural(1_200, 'token', undefined, '1.2k')).toBe('1.2k tokens');
    expect(plural(1, 'token', undefined, '1')).toBe('1 token');
  });
});
