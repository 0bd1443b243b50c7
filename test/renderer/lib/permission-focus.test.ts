import { describe, expect, it } from 'vitest';
import {
  isMostlyVisible,
  isTypingKey,
  shouldFocusNewCard,
  TYPING_GRACE_MS,
  type FocusContext,
} from '../../../src-renderer/lib/permission-focus.js';

const idle: FocusContext = {
  activeHasText: false,
  composerHasText: false,
  msSinceTyping: 60_000,
  dialogOpen: false,
  activeInOtherCard: false,
};

describe('focusing a new permission card', () => {
  it('takes focus when the person is not writing anything', () => {
    expect(shouldFocusNewCard(idle)).toBe(true);
  });

  it('never takes focus from a half-written message or while typing', () => {
    expect(shouldFocusNewCard({ ...idle, composerHasText: true })).toBe(false);
    expect(shouldFocusNewCard({ ...idle, activeHasText: true })).toBe(false);
    expect(shouldFocusNewCard({ ...idle, msSinceTyping: TYPING_GRACE_MS - 1 })).toBe(false);
  });

  it('leaves an open dialog or another card alone', () => {
    expect(shouldFocusNewCard({ ...idle, dialogOpen: true })).toBe(false);
    expect(shouldFocusNewCard({ ...idle, activeInOtherCard: true })).toBe(false);
  });

  it('counts writing keys as typing, not Enter or shortcuts', () => {
    expect(isTypingKey('a', false)).toBe(true);
    expect(isTypingKey('Backspace', false)).toBe(true);
    expect(isTypingKey('Enter', false)).toBe(false);
    expect(isTypingKey('c', true)).toBe(false);
  });

  it('counts a card as seen when most of it shows, or a good part of a tall one', () => {
    const entry = (ratio: number, height: number) => ({
      intersectionRatio: ratio,
      intersectionRect: { height },
    });
    expect(isMostlyVisible(entry(0.6, 100))).toBe(true);
    expect(isMostlyVisible(entry(0.3, 100))).toBe(false);
    expect(isMostlyVisible(entry(0.3, 260))).toBe(true);
    expect(isMostlyVisible(entry(0, 0))).toBe(false);
  });
});
