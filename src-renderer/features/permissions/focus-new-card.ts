import {
  isMostlyVisible,
  isTypingKey,
  shouldFocusNewCard,
  VISIBILITY_THRESHOLDS,
  type FocusContext,
} from '../../lib/permission-focus.js';

let lastTypingAt = 0;
/** Each request takes focus at most once, however often its row is remounted by the virtual list. */
const offered = new Set<string>();

/** Installed once at boot: when the person last typed, for the "not typing" rule. */
export function trackTyping(): void {
  window.addEventListener(
    'keydown',
    (e) => {
      if (isTypingKey(e.key, e.ctrlKey || e.metaKey || e.altKey)) lastTypingAt = Date.now();
    },
    true,
  );
}

function hasText(el: Element | null): boolean {
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) return el.value !== '';
  return el instanceof HTMLElement && el.isContentEditable && (el.textContent ?? '') !== '';
}

function readContext(card: HTMLElement): FocusContext {
  const active = document.activeElement;
  const otherCard = active?.closest('[data-testid="permission-card"][data-state="pending"]');
  return {
    activeHasText: hasText(active),
    composerHasText: hasText(document.querySelector('[data-testid="composer-input"]')),
    msSinceTyping: Date.now() - lastTypingAt,
    dialogOpen: document.querySelector('dialog[open]') !== null,
    activeInOtherCard: !!otherCard && otherCard !== card,
  };
}

/**
 * Focuses a newly shown card once it is mostly on screen (never an off-screen card that Enter
 * would answer unseen), if the rules allow. Returns the cleanup.
 */
export function offerFocus(requestId: string, card: HTMLElement): () => void {
  if (offered.has(requestId)) return () => {};
  const observer = new IntersectionObserver(
    (entries) => {
      if (!entries.some(isMostlyVisible)) return;
      observer.disconnect();
      offered.add(requestId);
      if (shouldFocusNewCard(readContext(card))) card.focus({ preventScroll: true });
    },
    { threshold: VISIBILITY_THRESHOLDS },
  );
  observer.observe(card);
  return () => observer.disconnect();
}
