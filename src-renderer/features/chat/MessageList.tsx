import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown } from 'lucide-react';
import { useEffect, useLayoutEffect, useRef } from 'react';
import { useMessages } from '../../stores/messages.js';
import { ensureRows } from './open-conversation.js';
import { MessageRow } from './MessageRow.js';
import { END_THRESHOLD_PX, useFollowEnd } from './use-follow-end.js';
import { useScrollTarget } from './use-scroll-target.js';

const ESTIMATED_ROW_PX = 96;

/**
 * The feed's keys: Enter on the list focuses the latest message, arrows move between messages
 * (their actions are then a Tab away), Esc goes back to the list. Typing in an edit box is left alone.
 */
function onFeedKey(e: React.KeyboardEvent<HTMLDivElement>): void {
  const list = e.currentTarget;
  const target = e.target as HTMLElement;
  if (target.closest('textarea, input, select')) return;
  const messages = [...list.querySelectorAll<HTMLElement>('[data-testid="message"]')];
  if (target === list) {
    if (e.key === 'Enter' && messages.length > 0) {
      e.preventDefault();
      messages[messages.length - 1]!.focus();
    }
    return;
  }
  const current = target.closest<HTMLElement>('[data-testid="message"]');
  if (!current) return;
  if (e.key === 'Escape') {
    e.preventDefault();
    e.stopPropagation();
    list.focus();
    return;
  }
  if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
  const at = messages.indexOf(current);
  const next = messages[at + (e.key === 'ArrowUp' ? -1 : 1)];
  if (next) {
    e.preventDefault();
    next.focus();
    next.scrollIntoView({ block: 'nearest' });
  }
}

/**
 * Virtualised, so 10,000 messages cost as much as the thirty on screen. Anchored to the end: it
 * follows new text only while the reader is at the bottom, and never moves a reader who scrolled up.
 */
export function MessageList() {
  const total = useMessages((s) => s.total);
  const pendingCount = useMessages((s) => s.pending.length);
  const epoch = useMessages((s) => s.epoch);
  const count = total + pendingCount;
  const scrollRef = useRef<HTMLDivElement>(null);
  const innerRef = useRef<HTMLDivElement>(null);

  // The virtualiser's methods are not memoizable; this component gains nothing from the compiler anyway.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_ROW_PX,
    overscan: 6,
    paddingStart: 16,
    paddingEnd: 16,
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: END_THRESHOLD_PX,
    // Starting the range at the end keeps the first render from asking for page 0 of a long history.
    initialOffset: () => count * ESTIMATED_ROW_PX,
  });

  const { following, onScroll, jumpToEnd } = useFollowEnd(scrollRef, innerRef);

  // Mounted per conversation (keyed by id), so this runs when one opens: start at the latest message.
  useLayoutEffect(() => {
    virtualizer.scrollToEnd();
  }, [virtualizer]);

  // After the jump to the end above, so a notification's message wins on a freshly opened list.
  useScrollTarget(virtualizer, total);

  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? -1;
  const last = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    if (last >= 0 && first < total) ensureRows(first, Math.min(last, total - 1));
  }, [first, last, total, epoch]);

  return (
    <div className="message-list-frame">
      <div
        ref={scrollRef}
        className="message-list"
        data-testid="message-list"
        role="feed"
        aria-label="Messages"
        aria-busy={false}
        tabIndex={0}
        aria-keyshortcuts="Enter ArrowUp ArrowDown Escape"
        onScroll={onScroll}
        onKeyDown={onFeedKey}
      >
        <div ref={innerRef} className="message-list-inner" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className="message-slot"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <MessageRow index={item.index} count={count} />
            </div>
          ))}
        </div>
      </div>
      {!following && (
        <button
          type="button"
          className="jump-to-latest"
          onClick={jumpToEnd}
          aria-label="Jump to the latest message"
        >
          <ArrowDown size={14} aria-hidden />
          Latest
        </button>
      )}
    </div>
  );
}
