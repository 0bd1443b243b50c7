import type { SwarmEvent } from '../../../src-main/core/protocol/index.js';
import type { Client } from '../../lib/client.js';
import { useMessages } from '../../stores/messages.js';
import { useSwarms } from '../../stores/swarms.js';
import { fetchMissingEvents, loadConversationSwarms, loadRun, loadRunList, openSwarmRun } from './actions.js';
import { swarmIdFromHash } from './swarm-route.js';
import { ENDED_RUN } from './swarm-state.js';

/** On each (re)connect: events sent while the link was down are lost, so each live graph catches up. */
export async function refetchSwarms(): Promise<void> {
  const { states, listStatus } = useSwarms.getState();
  const jobs: Promise<void>[] = [];
  for (const [key, state] of Object.entries(states)) {
    if (!key.startsWith('replay:') && !ENDED_RUN.has(state.status)) jobs.push(fetchMissingEvents(key));
  }
  const conversationId = useMessages.getState().conversationId;
  if (conversationId) jobs.push(loadConversationSwarms(conversationId));
  if (listStatus !== 'idle') jobs.push(loadRunList());
  const openRunId = useSwarms.getState().openRunId;
  if (openRunId) jobs.push(loadRun(openRunId));
  await Promise.all(jobs);
}

/**
 * The swarm events, kept here so app/sync.ts only spreads them in. A busy swarm sends dozens of
 * events a second: they are applied once per frame, in one store update.
 */
export function swarmListeners(c: Client): (() => void)[] {
  let queue: SwarmEvent[] = [];
  let frame: number | null = null;
  const flush = () => {
    frame = null;
    const batch = queue;
    queue = [];
    const gaps = useSwarms.getState().applyEvents(batch);
    for (const runId of gaps) void fetchMissingEvents(runId);
  };

  const onHash = () => {
    const runId = swarmIdFromHash(window.location.hash);
    if (runId) void openSwarmRun(runId);
  };
  window.addEventListener('hashchange', onHash);
  onHash();

  return [
    c.on('swarm.updated', ({ run }) => useSwarms.getState().upsertRuns([run])),
    c.on('swarm.event', ({ event }) => {
      queue.push(event);
      frame ??= requestAnimationFrame(flush);
    }),
    c.on('swarm.proposed', ({ proposal }) => useSwarms.getState().addProposals([proposal])),
    c.on('swarm.proposalResolved', ({ proposalId }) => useSwarms.getState().removeProposal(proposalId)),
    useMessages.subscribe((s, prev) => {
      if (s.conversationId && s.conversationId !== prev.conversationId) {
        void loadConversationSwarms(s.conversationId);
      }
    }),
    () => {
      window.removeEventListener('hashchange', onHash);
      if (frame !== null) cancelAnimationFrame(frame);
    },
  ];
}
