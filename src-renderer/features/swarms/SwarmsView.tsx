import { ArrowLeft, Network } from 'lucide-react';
import { useEffect, useId, useMemo } from 'react';
import { plural } from '../../lib/plural.js';
import { countTokens, formatSpend, swarmSpend } from '../../lib/usage-format.js';
import { findProvider, selectProviders, useSettings } from '../../stores/settings.js';
import { useConversations } from '../../stores/conversations.js';
import { useSwarms } from '../../stores/swarms.js';
import { closeReplay } from './replay-player.js';
import { loadRunList, openSwarmRun } from './actions.js';
import { RUN_STATUS } from './swarm-format.js';
import { SwarmRunView } from './SwarmRunView.js';
import { BackToChat } from '../../components/BackToChat.js';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Every swarm run, newest first, from all conversations; one opens full-size. */
export function SwarmsView() {
  const openRunId = useSwarms((s) => s.openRunId);
  const id = useId();
  const task = useSwarms((s) => (openRunId ? s.runs[openRunId]?.task : undefined));
  return (
    <section className="swarms-view" data-testid="swarms-view" aria-labelledby={`${id}-title`}>
      <header className="view-header">
        <BackToChat />
        {openRunId && (
          <button
            type="button"
            className="icon-button"
            aria-label="Back to all swarms"
            data-testid="swarms-back"
            onClick={() => {
              closeReplay();
              useSwarms.getState().openRun(null);
            }}
          >
            <ArrowLeft size={15} aria-hidden />
          </button>
        )}
        <h1 id={`${id}-title`} className="view-title">
          {openRunId ? `Swarm: ${task ?? '…'}` : 'Swarms'}
        </h1>
      </header>
      {openRunId ? <SwarmRunView key={openRunId} runId={openRunId} /> : <RunList />}
    </section>
  );
}

function RunList() {
  const runs = useSwarms((s) => s.runs);
  const status = useSwarms((s) => s.listStatus);
  const error = useSwarms((s) => s.listError);
  const conversations = useConversations((s) => s.list);
  const providers = useSettings(selectProviders);
  useEffect(() => {
    void loadRunList();
  }, []);
  const sorted = useMemo(() => Object.values(runs).sort((a, b) => b.createdAt - a.createdAt), [runs]);
  const titleOf = (conversationId: string) => conversations.find((c) => c.id === conversationId)?.title;
  return (
    <div className="swarms-body">
      <p className="muted swarms-intro">
        A swarm splits a task among agents that work side by side. Start one from a chat with{' '}
        <kbd>/swarm</kbd> and a task, or with the swarm toggle beside the message box.
      </p>
      {status === 'error' && (
        <p className="inline-error" role="alert">
          Could not load the swarms: {error}{' '}
          <button type="button" className="button button-small" onClick={() => void loadRunList()}>
            Retry
          </button>
        </p>
      )}
      {status === 'ready' && sorted.length === 0 && <p className="empty-note">No swarms yet.</p>}
      <ul className="swarm-run-list" data-testid="swarm-run-list">
        {sorted.map((run) => {
          const Icon = RUN_STATUS[run.status].icon;
          return (
            <li key={run.id}>
              <button
                type="button"
                className="swarm-run-row"
                data-testid="swarm-run-row"
                data-run-id={run.id}
                data-status={run.status}
                onClick={() => void openSwarmRun(run.id)}
              >
                <Network size={15} aria-hidden className="swarm-run-row-icon" />
                <span className="swarm-run-row-task">{run.task}</span>
                <span className={`swarm-run-status status-${run.status}`}>
                  <Icon size={12} aria-hidden />
                  {RUN_STATUS[run.status].label}
                </span>
                <span className="swarm-run-row-meta muted">
                  {titleOf(run.conversationId) ?? 'Conversation'} · {when.format(run.createdAt)} ·{' '}
                  {plural(run.usage.agents, 'agent')} · {countTokens(run.usage.tokens)} ·{' '}
                  {formatSpend(
                    swarmSpend(
                      run.usage.costUsd,
                      run.usage.tokens,
                      !!findProvider(providers, run.providerId)?.local,
                      run.usage.costUnknown,
                    ),
                  )}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
