import type { Virtualizer } from '@tanstack/react-virtual';
import { useEffect } from 'react';
import { useMessages } from '../../stores/messages.js';
import { useUi } from '../../stores/ui.js';

/** Virtual rows mount a frame or two after the scroll; about half a second is plenty. */
const CARD_WAIT_FRAMES = 30;

/** Focuses a permission card once its row is rendered; resolved cards get a tabindex to take it. */
function focusCardWhenShown(requestId: string, framesLeft = CARD_WAIT_FRAMES): void {
  const card = document.querySelector<HTMLElement>(
    `[data-testid="permission-card"][data-request-id="${CSS.escape(requestId)}"]`,
  );
  if (!card) {
    if (framesLeft > 0) requestAnimationFrame(() => focusCardWhenShown(requestId, framesLeft - 1));
    return;
  }
  if (!card.hasAttribute('tabindex')) card.tabIndex = -1;
  // The row is centred; a card low in a long reply may still need a nudge into view.
  card.scrollIntoView({ block: 'nearest' });
  card.focus({ preventScroll: true });
}

/**
 * Takes a scroll request from ui.navigate once this list shows its conversation and has its row:
 * scrolls the row to the middle (the virtualiser measures as it goes) and focuses the card if any.
 */
export function useScrollTarget(virtualizer: Virtualizer<HTMLDivElement, Element>, total: number): void {
  const target = useUi((s) => s.scrollTarget);
  const conversationId = useMessages((s) => s.conversationId);

  useEffect(() => {
    if (!target || target.conversationId !== conversationId || target.index >= total) return;
    useUi.getState().clearScrollTarget(target.seq);
    virtualizer.scrollToIndex(target.index, { align: 'center' });
    if (target.requestId) focusCardWhenShown(target.requestId);
  }, [target, conversationId, total, virtualizer]);
}
