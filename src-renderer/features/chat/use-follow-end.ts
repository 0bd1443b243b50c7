import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';

/** Within this distance of the end the reader counts as "at the latest message" and the list follows. */
export const END_THRESHOLD_PX = 32;

function distanceFromEnd(el: HTMLElement): number {
  return el.scrollHeight - el.scrollTop - el.clientHeight;
}

/**
 * Keeps a scroll container pinned to its end while the reader is there, whatever changes size: the
 * content (a streaming reply, a tall message) or the container itself (the composer growing with a
 * multi-line draft shrinks the list, which would otherwise leave the reader short of the end and
 * stop the following for good). Only the reader scrolling up stops it; reaching the end resumes it.
 */
export function useFollowEnd(
  scrollRef: RefObject<HTMLElement | null>,
  contentRef: RefObject<HTMLElement | null>,
): { following: boolean; onScroll: () => void; jumpToEnd: () => void } {
  const followingRef = useRef(true);
  const [following, setFollowing] = useState(true);
  const lastTopRef = useRef(0);

  const setFollow = useCallback((value: boolean) => {
    followingRef.current = value;
    setFollowing(value);
  }, []);

  const pin = useCallback(() => {
    const el = scrollRef.current;
    if (!el || !followingRef.current) return;
    if (distanceFromEnd(el) > 0) el.scrollTop = el.scrollHeight;
    lastTopRef.current = el.scrollTop;
  }, [scrollRef]);

  useEffect(() => {
    const el = scrollRef.current;
    const content = contentRef.current;
    if (!el || !content) return;
    // Fires after layout and before paint, so the pinned end never shows a frame behind.
    const observer = new ResizeObserver(pin);
    observer.observe(el);
    observer.observe(content);
    return () => observer.disconnect();
  }, [scrollRef, contentRef, pin]);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const top = el.scrollTop;
    if (distanceFromEnd(el) <= END_THRESHOLD_PX) {
      if (!followingRef.current) setFollow(true);
    } else if (top < lastTopRef.current && followingRef.current) {
      // Growth only ever moves the end away below; moving up is the reader's doing.
      setFollow(false);
    }
    lastTopRef.current = top;
  }, [scrollRef, setFollow]);

  const jumpToEnd = useCallback(() => {
    setFollow(true);
    pin();
  }, [setFollow, pin]);

  return { following, onScroll, jumpToEnd };
}
