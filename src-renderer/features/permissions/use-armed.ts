import { useEffect, useState, type RefObject } from 'react';
import { ARM_DELAY_MS, isMostlyVisible, VISIBILITY_THRESHOLDS } from '../../lib/permission-focus.js';

/**
 * Whether a card may be allowed yet: once it has been mostly on screen, in a visible window, for
 * ARM_DELAY_MS without a break. Scrolling it away or hiding the window starts the wait again; once
 * armed it stays armed. A card mounted again (the virtual list) waits again.
 */
export function useArmed(ref: RefObject<HTMLElement | null>): boolean {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    const card = ref.current;
    if (!card || armed) return;
    let onScreen = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const update = () => {
      const seen = onScreen && document.visibilityState === 'visible';
      if (seen && timer === null) timer = setTimeout(() => setArmed(true), ARM_DELAY_MS);
      if (!seen && timer !== null) {
        clearTimeout(timer);
        timer = null;
      }
    };
    const observer = new IntersectionObserver(
      (entries) => {
        const latest = entries.at(-1);
        if (!latest) return;
        onScreen = isMostlyVisible(latest);
        update();
      },
      { threshold: VISIBILITY_THRESHOLDS },
    );
    observer.observe(card);
    document.addEventListener('visibilitychange', update);
    return () => {
      observer.disconnect();
      document.removeEventListener('visibilitychange', update);
      if (timer !== null) clearTimeout(timer);
    };
  }, [ref, armed]);
  return armed;
}
