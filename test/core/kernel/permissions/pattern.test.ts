import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../../../src-main/core/kernel/permissions/pattern.js';

describe('matchesPattern', () => {
  it('matches the whole text, not a part of it', () => {
    expect(matchesPattern('git status', 'git status')).toBe(true);
    expect(matchesPattern('git status', 'git status --short')).toBe(false);
    expect(matchesPattern('status', 'git status')).toBe(false);
    expect(matchesPattern('git *', 'sudo git status')).toBe(false);
  });

  it('lets * stand for any run of characters, including none', () => {
    expect(matchesPattern('git status *', 'git status --short')).toBe(true);
    expect(matchesPattern('npm * test', 'npm run test')).toBe(true);
    expect(matchesPattern('npm * test', 'npm test')).toBe(false);
    expect(matchesPattern('a*b*c', 'abc')).toBe(true);
    expect(matchesPattern('a*b*c', 'aXbYbZc')).toBe(true);
    expect(matchesPattern('a*b*c', 'acb')).toBe(false);
    expect(matchesPattern('*', '')).toBe(true);
    expect(matchesPattern('ab*ba', 'aba')).toBe(false);
  });

  it('covers the bare prefix of a trailing " *" or "/*", and only at a word or folder boundary', () => {
    expect(matchesPattern('git status *', 'git status')).toBe(true);
    expect(matchesPattern('git status *', 'git statusx')).toBe(false);
    expect(matchesPattern('/ws/src/*', '/ws/src')).toBe(true);
    expect(matchesPattern('/ws/src/*', '/ws/src/a/b.ts')).toBe(true);
    expect(matchesPattern('/ws/src/*', '/ws/src-secret/a')).toBe(false);
    expect(matchesPattern('https://example.com/*', 'https://example.com.evil.net/')).toBe(false);
  });

  it('treats every other character literally: no regular expression gets in', () => {
    expect(matchesPattern('a.c', 'abc')).toBe(false);
    expect(matchesPattern('.*', 'anything')).toBe(false);
    expect(matchesPattern('.*', '.')).toBe(true);
    expect(matchesPattern('(a|b)', 'a')).toBe(false);
    expect(matchesPattern('?', 'x')).toBe(false);
    expect(matchesPattern('[ab]', 'a')).toBe(false);
    expect(matchesPattern('x$', 'x$')).toBe(true);
    expect(matchesPattern('\\', '\\')).toBe(true);
  });
});
