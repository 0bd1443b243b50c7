import type { SwarmEvent } from '../../../src-main/core/protocol/index.js';
import { applySwarmEvent, emptyRunState, type SwarmRunState } from './swarm-state.js';

export const REPLAY_SPEEDS = [1, 4, 16] as const;

/** Applies the events due by run time `at`, from `index` on. */
export function advanceReplay(
  state: SwarmRunState,
  events: readonly SwarmEvent[],
  index: number,
  at: number,
): { state: SwarmRunState; index: number } {
  let s = state;
  let i = index;
  while (i < events.length && events[i]!.at <= at) s = applySwarmEvent(s, events[i++]!);
  return { state: s, index: i };
}

/** The graph as it stood at run time `at` (a scrub): rebuilt from the first event. */
export function replayTo(
  runId: string,
  events: readonly SwarmEvent[],
  at: number,
): { state: SwarmRunState; index: number } {
  return advanceReplay(emptyRunState(runId), events, 0, at);
}

export function replayBounds(events: readonly SwarmEvent[]): { start: number; end: number } {
  const start = events[0]?.at ?? 0;
  return { start, end: events.at(-1)?.at ?? start };
}
