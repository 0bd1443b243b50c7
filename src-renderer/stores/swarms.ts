import { create } from 'zustand';
import type { SwarmEvent, SwarmProposal, SwarmRun } from '../../src-main/core/protocol/index.js';
import { applySwarmEvent, emptyRunState, type SwarmRunState } from '../features/swarms/swarm-state.js';

/** The key of a run's graph state: the run id when live, `replay:<id>` for its replay. */
export const replayKey = (runId: string) => `replay:${runId}`;

export type ListStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface ReplayState {
  runId: string;
  events: readonly SwarmEvent[];
  /** Events applied so far. */
  index: number;
  /** Run time shown (ms since the epoch, on the run's own clock). */
  at: number;
  speed: 1 | 4 | 16;
  playing: boolean;
  status: 'loading' | 'ready' | 'error';
  error: string | null;
}

/**
 * Feeds a batch of events to the graph states. A run's events must come in sequence: on a gap
 * (events lost while the link was down, or a run first seen mid-way) the rest of that run's batch
 * is dropped and its id returned, so the caller fetches what was missed with swarm.events.
 */
export function applyEventBatch(
  states: Readonly<Record<string, SwarmRunState>>,
  events: readonly SwarmEvent[],
): { states: Record<string, SwarmRunState>; gaps: Set<string> } {
  const next: Record<string, SwarmRunState> = { ...states };
  const gaps = new Set<string>();
  for (const event of events) {
    if (gaps.has(event.runId)) continue;
    const state = next[event.runId] ?? emptyRunState(event.runId);
    if (event.seq > state.lastSeq + 1) {
      gaps.add(event.runId);
      continue;
    }
    next[event.runId] = applySwarmEvent(state, event);
  }
  return { states: next, gaps };
}

interface SwarmsStore {
  /** Runs as the core last described them (list, start, swarm.updated). */
  runs: Record<string, SwarmRun>;
  /** The run each host message carries. */
  byMessage: Record<string, string>;
  /** Graph states, by run id (live) or replayKey(id). */
  states: Record<string, SwarmRunState>;
  /** The swarms view's list (every conversation). */
  listStatus: ListStatus;
  listError: string | null;
  /** The run shown full-size in the swarms view; null shows the list. */
  openRunId: string | null;
  /** The agent whose transcript the side panel shows, per graph key. */
  selectedAgent: Record<string, string | null>;
  proposals: Record<string, SwarmProposal>;
  replay: ReplayState | null;
  upsertRuns(runs: readonly SwarmRun[]): void;
  setListStatus(status: ListStatus, error?: string | null): void;
  /** Returns the runs whose events had a gap. */
  applyEvents(events: readonly SwarmEvent[]): Set<string>;
  setState(key: string, state: SwarmRunState): void;
  dropState(key: string): void;
  openRun(runId: string | null): void;
  selectAgent(key: string, agentId: string | null): void;
  addProposals(proposals: readonly SwarmProposal[], conversationId?: string): void;
  removeProposal(id: string): void;
  setReplay(replay: ReplayState | null): void;
}

export const useSwarms = create<SwarmsStore>()((set, get) => ({
  runs: {},
  byMessage: {},
  states: {},
  listStatus: 'idle',
  listError: null,
  openRunId: null,
  selectedAgent: {},
  proposals: {},
  replay: null,
  upsertRuns: (runs) => {
    if (runs.length === 0) return;
    const byId = { ...get().runs };
    const byMessage = { ...get().byMessage };
    for (const run of runs) {
      byId[run.id] = run;
      byMessage[run.messageId] = run.id;
    }
    set({ runs: byId, byMessage });
  },
  setListStatus: (listStatus, listError = null) => set({ listStatus, listError }),
  applyEvents: (events) => {
    const { states, gaps } = applyEventBatch(get().states, events);
    set({ states });
    return gaps;
  },
  setState: (key, state) => set({ states: { ...get().states, [key]: state } }),
  dropState: (key) => {
    if (!(key in get().states)) return;
    const states = { ...get().states };
    delete states[key];
    set({ states });
  },
  openRun: (openRunId) => set({ openRunId }),
  selectAgent: (key, agentId) => set({ selectedAgent: { ...get().selectedAgent, [key]: agentId } }),
  addProposals: (proposals, conversationId) => {
    const next = { ...get().proposals };
    // A conversation's snapshot replaces what was known of it (answered elsewhere meanwhile).
    if (conversationId !== undefined) {
      for (const [id, p] of Object.entries(next)) if (p.conversationId === conversationId) delete next[id];
    }
    for (const p of proposals) next[p.id] = p;
    set({ proposals: next });
  },
  removeProposal: (id) => {
    if (!get().proposals[id]) return;
    const proposals = { ...get().proposals };
    delete proposals[id];
    set({ proposals });
  },
  setReplay: (replay) => set({ replay }),
}));
