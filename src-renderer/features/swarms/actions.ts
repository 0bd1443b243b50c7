import type { SwarmRun } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage, isClientError } from '../../lib/client.js';
import { useMessages } from '../../stores/messages.js';
import { useSwarms } from '../../stores/swarms.js';
import { useUi } from '../../stores/ui.js';
import { submitExchange } from '../chat/actions.js';
import { applySwarmEvents, emptyRunState, ENDED_RUN } from './swarm-state.js';

const EVENTS_PAGE = 5_000;

/** Fetches in flight by run, and runs whose gap came while one was in flight (fetch once more). */
const fetching = new Map<string, Promise<void>>();
const again = new Set<string>();

/**
 * Brings a run's live graph up to date from its stored events, from the last one applied. Called
 * on a gap, on a reconnect, and when a run is opened; concurrent calls share one fetch.
 */
export function fetchMissingEvents(runId: string): Promise<void> {
  const running = fetching.get(runId);
  if (running) {
    again.add(runId);
    return running;
  }
  const p = (async () => {
    try {
      do {
        again.delete(runId);
        for (;;) {
          const state = useSwarms.getState().states[runId] ?? emptyRunState(runId);
          const page = await client().call('swarm.events', {
            runId,
            afterSeq: state.lastSeq,
            limit: EVENTS_PAGE,
          });
          const current = useSwarms.getState().states[runId] ?? emptyRunState(runId);
          useSwarms.getState().setState(runId, applySwarmEvents(current, page.events));
          if (!page.hasMore) break;
        }
      } while (again.has(runId));
    } catch (err) {
      console.warn('cell0: could not load the events of a swarm', err);
    } finally {
      fetching.delete(runId);
    }
  })();
  fetching.set(runId, p);
  return p;
}

/** The swarms view's list: the latest runs of every conversation. */
export async function loadRunList(): Promise<void> {
  const store = useSwarms.getState();
  if (store.listStatus !== 'ready') store.setListStatus('loading');
  try {
    const { runs } = await client().call('swarm.list', { limit: 200 });
    useSwarms.getState().upsertRuns(runs);
    useSwarms.getState().setListStatus('ready');
  } catch (err) {
    useSwarms.getState().setListStatus('error', errorMessage(err));
  }
}

/** A conversation was opened: its runs (for the cards under their messages) and pending proposals. */
export async function loadConversationSwarms(conversationId: string): Promise<void> {
  try {
    const [{ runs }, { proposals }] = await Promise.all([
      client().call('swarm.list', { conversationId }),
      client().call('swarm.proposals', { conversationId }),
    ]);
    useSwarms.getState().upsertRuns(runs);
    useSwarms.getState().addProposals(proposals, conversationId);
    // Live runs' cards count agents done: they need the graph state.
    for (const run of runs) if (!ENDED_RUN.has(run.status)) void fetchMissingEvents(run.id);
  } catch (err) {
    console.warn('cell0: could not load the swarms of this conversation', err);
  }
}

/** Opens a run full-size in the swarms view (also the way in for `#swarm=<id>`). */
export async function openSwarmRun(runId: string): Promise<void> {
  useUi.getState().setView('swarms');
  useSwarms.getState().openRun(runId);
  await loadRun(runId);
}

/** A run's summary (when not known yet) and its graph, caught up. */
export async function loadRun(runId: string): Promise<void> {
  try {
    if (!useSwarms.getState().runs[runId]) {
      const { run } = await client().call('swarm.get', { runId });
      useSwarms.getState().upsertRuns([run]);
    }
    await fetchMissingEvents(runId);
  } catch (err) {
    console.warn('cell0: could not open that swarm', err);
  }
}

/** `/swarm <task>` from the composer: the task, or null when the text is not that command. */
export function parseSwarmCommand(text: string): string | null {
  const m = /^\/swarm(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) return null;
  return (m[1] ?? '').trim();
}

/** Runs a task as a swarm in the open conversation. False when it did not start (see sendError). */
export async function startSwarm(task: string, options: { simulate?: boolean } = {}): Promise<boolean> {
  const trimmed = task.trim();
  const messages = useMessages.getState();
  if (!trimmed) {
    messages.setSendError('Say what the swarm should do: /swarm <task>.');
    return false;
  }
  const started = await submitExchange(
    trimmed,
    (conversationId, clientMessageId) =>
      client().call('swarm.start', {
        conversationId,
        task: trimmed,
        clientMessageId,
        ...(options.simulate ? { simulate: true } : {}),
      }),
    (err) =>
      `The swarm did not start: ${
        isClientError(err) && err.code === 'PROVIDER_NOT_CONFIGURED'
          ? 'No model is connected yet. Open Settings to connect one, then try again.'
          : errorMessage(err)
      }`,
  );
  if (!started) return false;
  useSwarms.getState().upsertRuns([started.run]);
  // The inspector follows the conversation: during a swarm it shows the live graph.
  if (!useUi.getState().inspectorOpen) useUi.getState().toggleInspector();
  return true;
}

function noteRun(run: SwarmRun): void {
  useSwarms.getState().upsertRuns([run]);
}

/** Throws, so the control that asked can say why. */
export async function stopSwarm(runId: string): Promise<void> {
  await client().call('swarm.stop', { runId });
}

export async function stopAgent(runId: string, agentId: string): Promise<void> {
  await client().call('swarm.stopAgent', { runId, agentId });
}

export async function pauseSwarm(runId: string): Promise<void> {
  noteRun((await client().call('swarm.pause', { runId })).run);
}

export async function resumeSwarm(runId: string): Promise<void> {
  noteRun((await client().call('swarm.resume', { runId })).run);
}

export async function respondToProposal(proposalId: string, accept: boolean): Promise<void> {
  const { run } = await client().call('swarm.respond', { proposalId, accept });
  useSwarms.getState().removeProposal(proposalId);
  if (run) {
    noteRun(run);
    if (!useUi.getState().inspectorOpen) useUi.getState().toggleInspector();
  }
}

/** The run a conversation's inspector shows: its live one, else its latest. */
export function conversationRun(runs: Readonly<Record<string, SwarmRun>>, conversationId: string | null) {
  let best: SwarmRun | null = null;
  if (!conversationId) return null;
  for (const run of Object.values(runs)) {
    if (run.conversationId !== conversationId) continue;
    const live = !ENDED_RUN.has(run.status);
    const bestLive = best !== null && !ENDED_RUN.has(best.status);
    if (!best || (live && !bestLive) || (live === bestLive && run.createdAt > best.createdAt)) best = run;
  }
  return best;
}

/** Stops the conversation's running swarm; false when none runs there (a chat reply may). */
export async function stopConversationSwarm(conversationId: string | null): Promise<boolean> {
  const run = conversationRun(useSwarms.getState().runs, conversationId);
  if (!run || ENDED_RUN.has(run.status)) return false;
  try {
    await stopSwarm(run.id);
  } catch (err) {
    useMessages.getState().setSendError(`Could not stop the swarm: ${errorMessage(err)}`);
  }
  return true;
}
