import { useEffect } from 'react';
import { replayKey, useSwarms } from '../../stores/swarms.js';
import { loadRun } from './actions.js';
import { AgentPanel } from './AgentPanel.js';
import { ReplayBar } from './ReplayBar.js';
import { RunHeader } from './RunHeader.js';
import { SwarmGraph } from './SwarmGraph.js';
import { SwarmTimeline } from './SwarmTimeline.js';
import { ENDED_RUN } from './swarm-state.js';

/** A run full-size: its header, the graph with the clicked agent beside it, and the timeline. */
export function SwarmRunView({ runId }: { runId: string }) {
  const run = useSwarms((s) => s.runs[runId]);
  const replaying = useSwarms((s) => s.replay?.runId === runId);
  const stateKey = replaying ? replayKey(runId) : runId;
  const live = !replaying;
  useEffect(() => {
    void loadRun(runId);
  }, [runId]);
  if (!run) return <p className="muted swarm-loading">Loading the swarm…</p>;
  return (
    <div
      className="swarm-run"
      data-testid="swarm-run"
      data-run-id={runId}
      data-swarm-run={runId}
      data-replaying={replaying ? 'true' : 'false'}
    >
      <RunHeader run={run} stateKey={stateKey} live={live} />
      {ENDED_RUN.has(run.status) && <ReplayBar runId={runId} />}
      <div className="swarm-run-body">
        <div className="swarm-run-main">
          <SwarmGraph
            stateKey={stateKey}
            runId={runId}
            live={live}
            label={`Agents of the swarm: ${run.task}`}
          />
          <SwarmTimeline stateKey={stateKey} live={live} />
        </div>
        <AgentPanel stateKey={stateKey} />
      </div>
    </div>
  );
}
