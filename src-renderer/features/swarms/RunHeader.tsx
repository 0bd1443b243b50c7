import { Pause, Play, Square } from 'lucide-react';
import { useState } from 'react';
import type { SwarmRun } from '../../../src-main/core/protocol/index.js';
import { errorMessage } from '../../lib/client.js';
import { formatCost, formatSpend, formatTokens, pricesNote, swarmSpend } from '../../lib/usage-format.js';
import { useConnection } from '../../stores/connection.js';
import { findProvider, selectProviders, useSettings } from '../../stores/settings.js';
import { pauseSwarm, resumeSwarm, stopSwarm } from './actions.js';
import { RUN_STATUS, agentsDone, formatDuration } from './swarm-format.js';
import { ENDED_RUN, agentProgress, emptyRunState } from './swarm-state.js';
import { useBeatState } from './use-beat-state.js';
import { useNow } from './use-now.js';

function Meter(props: { label: string; value: number; max: number; text: string; title?: string }) {
  const { label, value, max, text, title } = props;
  const ratio = max > 0 ? Math.min(1, value / max) : 0;
  return (
    <div className="swarm-meter" data-testid="swarm-meter" data-label={label} title={title}>
      <span className="swarm-meter-label">{label}</span>
      <progress
        className={ratio >= 0.9 ? 'swarm-meter-bar near' : 'swarm-meter-bar'}
        max={1}
        value={ratio}
        aria-label={`${label}: ${text}`}
      />
      <span className="swarm-meter-text">{text}</span>
    </div>
  );
}

/** Status, task, spend against the budget, and the run's controls. */
export function RunHeader({ run, stateKey, live }: { run: SwarmRun; stateKey: string; live: boolean }) {
  const state = useBeatState(stateKey) ?? emptyRunState(run.id);
  const status = live ? run.status : state.status;
  const ended = ENDED_RUN.has(status);
  const now = useNow(live && !ended, state.lastAt ?? run.createdAt);
  const usage = state.lastSeq > 0 ? state.usage : run.usage;
  const { done, total } = agentProgress(state);
  const start = state.startedAt ?? run.createdAt;
  const endAt = live ? (run.endedAt ?? (ended ? (state.endedAt ?? now) : now)) : (state.endedAt ?? now);
  const elapsed = endAt - start;
  const [error, setError] = useState<string | null>(null);
  const { budget } = run;
  const local = useSettings((s) => !!findProvider(selectProviders(s), run.providerId)?.local);
  const pricesAsOf = useConnection((s) => s.appInfo?.pricesAsOf);
  const spend = swarmSpend(usage.costUsd, usage.tokens, local, usage.costUnknown);
  const Icon = RUN_STATUS[status].icon;
  const act = (f: () => Promise<void>) => {
    setError(null);
    f().catch((err: unknown) => setError(errorMessage(err)));
  };

  return (
    <header className="swarm-run-header" data-testid="swarm-run-header" data-status={status}>
      <div className="swarm-run-title-row">
        <span className={`swarm-run-status status-${status}`} data-testid="swarm-run-status">
          <Icon size={13} aria-hidden />
          {RUN_STATUS[status].label}
        </span>
        <h2 className="swarm-run-task" title={run.task}>
          {run.task}
        </h2>
        <span className="swarm-run-progress muted" data-testid="swarm-run-progress">
          {agentsDone(done, total)}
        </span>
        {live && !ended && (
          <>
            {status === 'paused' ? (
              <button
                type="button"
                className="button button-small"
                onClick={() => act(() => resumeSwarm(run.id))}
              >
                <Play size={13} aria-hidden />
                Resume
              </button>
            ) : (
              <button
                type="button"
                className="button button-small"
                onClick={() => act(() => pauseSwarm(run.id))}
              >
                <Pause size={13} aria-hidden />
                Pause
              </button>
            )}
            <button
              type="button"
              className="button button-small button-danger-outline"
              data-testid="swarm-stop"
              onClick={() => act(() => stopSwarm(run.id))}
            >
              <Square size={11} aria-hidden fill="currentColor" />
              Stop swarm
            </button>
          </>
        )}
      </div>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      {live && run.error && status === 'failed' && (
        <p className="inline-error" role="alert">
          {run.error.message}
        </p>
      )}
      {usage.costUnknown && budget.costUsd > 0 && (
        <p className="swarm-budget-note" data-testid="swarm-cost-unknown">
          A model in this run has no known price, so its cost is not counted and the{' '}
          {formatCost(budget.costUsd)} budget cannot be enforced.
        </p>
      )}
      <div className="swarm-meters">
        <Meter
          label="Agents"
          value={usage.agents}
          max={budget.maxAgents}
          text={`${usage.agents} / ${budget.maxAgents}`}
        />
        <Meter
          label="Tokens"
          value={usage.tokens}
          max={budget.tokens}
          text={`${formatTokens(usage.tokens)} / ${formatTokens(budget.tokens)}`}
        />
        <Meter
          label="Cost"
          value={spend ?? 0}
          max={budget.costUsd}
          text={`${formatSpend(spend)} / ${formatCost(budget.costUsd)}`}
          title={
            spend === null
              ? `No known price for ${run.model}: the ${formatCost(budget.costUsd)} budget cannot be enforced`
              : `Spend against the budget, ${local ? 'free on this machine' : pricesNote(pricesAsOf)}`
          }
        />
        <Meter
          label="Tool calls"
          value={usage.toolCalls}
          max={budget.toolCalls}
          text={`${usage.toolCalls} / ${budget.toolCalls}`}
        />
        <Meter
          label="Time"
          value={elapsed}
          max={budget.wallTimeMs}
          text={`${formatDuration(elapsed)} / ${formatDuration(budget.wallTimeMs)}`}
        />
      </div>
    </header>
  );
}
