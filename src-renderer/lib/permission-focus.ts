/** What the window is doing when a permission card appears. */
export interface FocusContext {
  /** The focused element takes text (input, textarea, contenteditable) and already holds some. */
  activeHasText: boolean;
  /** The composer holds a half-written message, focused or not. */
  composerHasText: boolean;
  /** Time since the last key that writes or erases text anywhere in the window. */
  msSinceTyping: number;
  /** A modal dialog is open. */
  dialogOpen: boolean;
  /** Focus is on another pending permission card, which must not be taken away mid-decision. */
  activeInOtherCard: boolean;
}

/** A key that writes or erases text within this long before a card appears counts as typing. */
export const TYPING_GRACE_MS = 1000;

/**
 * A new card takes focus (so Enter/Esc answer it) only when that cannot swallow keys meant for
 * something else: a half-written message, typing in progress, an open dialog or another card.
 * Enter alone is not typing: the Enter that sent a message leaves the composer empty.
 */
export function shouldFocusNewCard(ctx: FocusContext): boolean {
  if (ctx.dialogOpen || ctx.activeInOtherCard) return false;
  if (ctx.activeHasText || ctx.composerHasText) return false;
  return ctx.msSinceTyping >= TYPING_GRACE_MS;
}

/** Keys that change text: printable characters and the erasers (not Enter, Tab, arrows, modifiers). */
export function isTypingKey(key: string, withCommandModifier: boolean): boolean {
  if (withCommandModifier) return false;
  return key.length === 1 || key === 'Backspace' || key === 'Delete';
}

/**
 * How long a card must have been on screen before Enter (or a click) can allow it: long enough
 * that the Enter which sent a message, a double press or a click aimed at what was there before
 * cannot answer a card nobody read.
 */
export const ARM_DELAY_MS = 500;

/** The IntersectionObserver thresholds the card's visibility is judged at. */
export const VISIBILITY_THRESHOLDS = [0, 0.2, 0.4, 0.6, 0.8, 1];

/** Mostly on screen; a card taller than the window counts once a good part of it shows. */
export function isMostlyVisible(entry: {
  intersectionRatio: number;
  intersectionRect: { height: number };
}): boolean {
  return entry.intersectionRatio >= 0.6 || entry.intersectionRect.height >= 240;
}
