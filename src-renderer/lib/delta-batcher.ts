/** Schedules one callback for the next frame: requestAnimationFrame in the window, a fake in tests. */
export type FrameScheduler = (callback: () => void) => void;

export interface DeltaBatcher {
  push(messageId: string, text: string): void;
  /** Discards buffered text: a message.updated carries the full content, so applying it would double it. */
  drop(messageId: string): void;
  flush(): void;
}

/**
 * Fast streams deliver many small deltas per frame; rendering each would re-parse Markdown dozens
 * of times per frame. This joins them per message and hands them over once per frame.
 */
export function createDeltaBatcher(
  schedule: FrameScheduler,
  apply: (deltas: ReadonlyMap<string, string>) => void,
): DeltaBatcher {
  let buffered = new Map<string, string>();
  let scheduled = false;

  function flush(): void {
    scheduled = false;
    if (buffered.size === 0) return;
    const batch = buffered;
    buffered = new Map();
    apply(batch);
  }

  return {
    push(messageId, text) {
      buffered.set(messageId, (buffered.get(messageId) ?? '') + text);
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    drop(messageId) {
      buffered.delete(messageId);
    },
    flush,
  };
}
