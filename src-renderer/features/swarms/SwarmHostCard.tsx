import { Network } from 'lucide-react';
import { memo } from 'react';
import { countTokens, formatSpend, swarmSpend } from '../../lib/usage-format.js';
import { findProvider, selectProviders, useSettings } from '../../stores/settings.js';
import { useSwarms } from '../../stores/swarms.js';
import { openSwarmRun } from './actions.js';
import { RUN_STATUS, agentsDone } from './swarm-format.js';
import { ENDED_RUN, agentProgress } from './swarm-state.js';

/**
 * The swarm a reply hosts: status, agents done, spend and a way to its graph. The final answer
 * is the message's own content, below.
 */
export const SwarmHostCard = memo(function SwarmHostCard({ messageId }: { messageId: string }) {
  const run = useSwarms((s) => {
    const runId = s.byMessage[messageId];
    return runId ? s.runs[runId] : undefined;
  });
  // A string, so the selector's answer compares by value.
  const done = useSwarms((s) => {
    const runId = s.byMessage[messageId];
    const st = runId ? s.states[runId] : undefined;
    if (!st) return null;
    const { done, total } = agentProgress(st);
    return agentsDone(done, total);
  });
  const local = useSettings((s) => !!findProvider(selectProviders(s), run?.providerId)?.local);
  if (!run) return null;
  const Icon = RUN_STATUS[run.status].icon;
  const live = !ENDED_RUN.has(run.status);
  return (
    <div
      className="swarm-card"
      data-testid="swarm-card"
      data-run-id={run.id}
      data-status={run.status}
      role="group"
      aria-label="Swarm"
    >
      <Network size={15} aria-hidden className="swarm-card-icon" />
      <span className={`swarm-run-status status-${run.status}`} data-testid="swarm-card-status">
        <Icon size={12} aria-hidden className={live ? 'spin-slow' : undefined} />
        Swarm {RUN_STATUS[run.status].label.toLowerCase()}
      </span>
      {done && (
        <span className="swarm-card-progress" data-testid="swarm-card-progress">
          {done}
        </span>
      )}
      <span className="swarm-card-usage muted" data-testid="swarm-card-usage">
        {countTokens(run.usage.tokens)} ·{' '}
        {formatSpend(swarmSpend(run.usage.costUsd, run.usage.tokens, local, run.usage.costUnknown))}
      </span>
      <button
        type="button"
        className="button button-small"
        data-testid="swarm-card-open"
        onClick={() => void openSwarmRun(run.id)}
      >
        Open graph
      </button>
    </div>
  );
});
