import { describe, expect, it } from 'vitest';
import {
  MEMORY_KIND_LIST,
  failureStateLabel,
  forgotLabel,
  formatDay,
  isMemoryKind,
} from '../../../../src-renderer/features/memory/memory-format.js';

describe('memory wording', () => {
  it('reads an ISO day as that local day, whatever the time zone', () => {
    const expected = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(2024, 4, 1));
    expect(formatDay('2024-05-01')).toBe(expected);
    expect(formatDay('not a day')).toBe('not a day');
  });

  it('counts what was forgotten', () => {
    expect(forgotLabel(0)).toBe('Forgot 0 memories');
    expect(forgotLabel(1)).toBe('Forgot 1 memory');
    expect(forgotLabel(3)).toBe('Forgot 3 memories');
  });

  it('knows every kind', () => {
    expect(MEMORY_KIND_LIST).toEqual(['fact', 'preference', 'plan', 'event', 'note', 'summary']);
    expect(isMemoryKind('plan')).toBe(true);
    expect(isMemoryKind('toString')).toBe(false);
  });

  it('says where a conversation it could not read stands, with the right plural', () => {
    const at = new Date(2024, 4, 1, 14, 5).getTime();
    const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' }).format(at);
    expect(failureStateLabel({ attempts: 1, retryAt: at, skipped: false })).toBe(
      `Failed once; tries again at ${time}`,
    );
    expect(failureStateLabel({ attempts: 2, retryAt: at, skipped: false })).toBe(
      `Failed 2 times; tries again at ${time}`,
    );
    expect(failureStateLabel({ attempts: 3, retryAt: null, skipped: true })).toBe(
      'Skipped after failing 3 times',
    );
  });
});
