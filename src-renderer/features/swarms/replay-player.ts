import type { SwarmEvent } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { replayKey, useSwarms, type ReplayState } from '../../stores/swarms.js';
import { advanceReplay, replayBounds, replayTo } from './replay-model.js';
import { emptyRunState } from './swarm-state.js';

let frame: number | null = null;
let lastTick = 0;

function patch(update: Partial<ReplayState>): ReplayState | null {
  const replay = useSwarms.getState().replay;
  if (!replay) return null;
  const next = { ...replay, ...update };
  useSwarms.getState().setReplay(next);
  return next;
}

/** One frame of play: run time moves on by the elapsed wall time times the speed. */
function tick(now: number): void {
  frame = null;
  const replay = useSwarms.getState().replay;
  if (!replay?.playing) return;
  const key = replayKey(replay.runId);
  const { end } = replayBounds(replay.events);
  const at = Math.min(end, replay.at + (now - lastTick) * replay.speed);
  lastTick = now;
  const state = useSwarms.getState().states[key] ?? emptyRunState(replay.runId);
  const next = advanceReplay(state, replay.events, replay.index, at);
  if (next.state !== state) useSwarms.getState().setState(key, next.state);
  const done = next.index >= replay.events.length;
  patch({ at, index: next.index, playing: !done });
  if (!done) frame = requestAnimationFrame(tick);
}

function schedule(): void {
  if (frame !== null) return;
  lastTick = performance.now();
  frame = requestAnimationFrame(tick);
}

function halt(): void {
  if (frame !== null) cancelAnimationFrame(frame);
  frame = null;
}

async function fetchAll(runId: string): Promise<SwarmEvent[]> {
  const events: SwarmEvent[] = [];
  for (;;) {
    const page = await client().call('swarm.events', {
      runId,
      afterSeq: events.at(-1)?.seq ?? 0,
      limit: 10_000,
    });
    events.push(...page.events);
    if (!page.hasMore) return events;
  }
}

/** Replays a run's stored events on its graph, with their original timing, from the start. */
export async function startReplay(runId: string): Promise<void> {
  halt();
  const key = replayKey(runId);
  useSwarms.getState().setState(key, emptyRunState(runId));
  useSwarms.getState().setReplay({
    runId,
    events: [],
    index: 0,
    at: 0,
    speed: useSwarms.getState().replay?.speed ?? 4,
    playing: false,
    status: 'loading',
    error: null,
  });
  try {
    const events = await fetchAll(runId);
    if (useSwarms.getState().replay?.runId !== runId) return;
    patch({ events, at: replayBounds(events).start, status: 'ready', playing: true });
    schedule();
  } catch (err) {
    patch({ status: 'error', error: errorMessage(err) });
  }
}

export function playReplay(): void {
  const replay = useSwarms.getState().replay;
  if (!replay || replay.status !== 'ready') return;
  if (replay.index >= replay.events.length) {
    seekReplay(replayBounds(replay.events).start);
  }
  patch({ playing: true });
  schedule();
}

export function pauseReplay(): void {
  halt();
  patch({ playing: false });
}

export function setReplaySpeed(speed: ReplayState['speed']): void {
  patch({ speed });
}

/** Scrubs to run time `at`: the graph is rebuilt as it stood then. */
export function seekReplay(at: number): void {
  const replay = useSwarms.getState().replay;
  if (!replay || replay.status !== 'ready') return;
  const { state, index } = replayTo(replay.runId, replay.events, at);
  useSwarms.getState().setState(replayKey(replay.runId), state);
  patch({ at, index });
  if (replay.playing) {
    halt();
    schedule();
  }
}

export function restartReplay(): void {
  const replay = useSwarms.getState().replay;
  if (!replay || replay.status !== 'ready') return;
  seekReplay(replayBounds(replay.events).start);
  playReplay();
}

/** Back to the live (or final) graph. */
export function closeReplay(): void {
  halt();
  const replay = useSwarms.getState().replay;
  if (!replay) return;
  useSwarms.getState().setReplay(null);
  useSwarms.getState().dropState(replayKey(replay.runId));
}
