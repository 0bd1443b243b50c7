import { Maximize2 } from 'lucide-react';
import { useEffect } from 'react';
import { useSwarms } from '../../stores/swarms.js';
import { conversationRun, fetchMissingEvents, openSwarmRun } from './actions.js';
import { AgentPanel } from './AgentPanel.js';
import { RUN_STATUS } from './swarm-format.js';
import { lazyView } from '../../app/lazy-view.js';
import { ENDED_RUN, agentProgress } from './swarm-state.js';

// The graph (xyflow, dagre) loads with the first swarm shown.
const SwarmGraph = lazyView(async () => (await import('./SwarmGraph.js')).SwarmGraph);

/** The inspector's swarm: the conversation's live run (else its latest) as a small graph. */
export function InspectorSwarm({ conversationId }: { conversationId: string }) {
  const run = useSwarms((s) => conversationRun(s.runs, conversationId));
  const runId = run?.id ?? null;
  const hasState = useSwarms((s) => (runId ? !!s.states[runId] : false));
  // A string, so the selector's answer compares by value.
  const progress = useSwarms((s) => {
    const st = runId ? s.states[runId] : undefined;
    if (!st) return null;
    const { done, total } = agentProgress(st);
    return `${done}/${total}`;
  });
  useEffect(() => {
    if (runId && !hasState) void fetchMissingEvents(runId);
  }, [runId, hasState]);
  if (!run) {
    return (
      <p className="muted inspector-empty">
        No swarm in this conversation. Type /swarm and a task to start one.
      </p>
    );
  }
  const live = !ENDED_RUN.has(run.status);
  return (
    <div
      className="inspector-swarm"
      data-testid="inspector-swarm"
      data-run-id={run.id}
      data-status={run.status}
    >
      <div className="inspector-swarm-head">
        <span className={`swarm-run-status status-${run.status}`}>{RUN_STATUS[run.status].label}</span>
        {progress && <span className="muted">{progress} done</span>}
        <button
          type="button"
          className="icon-button"
          aria-label="Open the swarm full-size"
          data-testid="inspector-swarm-open"
          onClick={() => void openSwarmRun(run.id)}
        >
          <Maximize2 size={14} aria-hidden />
        </button>
      </div>
      <SwarmGraph stateKey={run.id} runId={run.id} live={live} label={`Agents of the swarm: ${run.task}`} />
      <AgentPanel stateKey={run.id} />
    </div>
  );
}
