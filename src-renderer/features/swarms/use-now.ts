import { useSyncExternalStore } from 'react';

/**
 * One shared one-second clock for the elapsed times of running agents: a node subscribes only
 * while its agent runs, so a 200-agent graph does not re-render 200 nodes every second.
 */
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function tick(): void {
  now = Date.now();
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    timer = setInterval(tick, 1000);
    // The clock slept while nothing ran: catch up at once rather than a second late.
    queueMicrotask(tick);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

const noop = () => () => undefined;
const snapshot = () => now;
const still = () => 0;

/** The wall clock, once a second while `ticking`; otherwise `fallback` (a finished run's end, a replay's time). */
export function useNow(ticking: boolean, fallback: number): number {
  const t = useSyncExternalStore(ticking ? subscribe : noop, ticking ? snapshot : still);
  return ticking ? t : fallback;
}
