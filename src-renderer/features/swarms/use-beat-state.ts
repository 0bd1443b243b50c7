import { useCallback, useSyncExternalStore } from 'react';
import { useSwarms } from '../../stores/swarms.js';
import { onBeat } from './flow-beat.js';
import type { SwarmRunState } from './swarm-state.js';

/**
 * A run's state at the graph's beat (four times a second), or every few beats, rather than at
 * every event, for views that need not follow dozens of events a second (the timeline's 200
 * lanes, the run's meters): their changes then land together in one frame.
 */
export function useBeatState(stateKey: string, everyBeats = 1): SwarmRunState | undefined {
  const subscribe = useCallback(
    (listener: () => void) => {
      let beats = 0;
      return onBeat(() => {
        if (++beats % everyBeats === 0) listener();
      });
    },
    [everyBeats],
  );
  const get = useCallback(() => useSwarms.getState().states[stateKey], [stateKey]);
  return useSyncExternalStore(subscribe, get);
}
