import { X } from 'lucide-react';
import { useEffect, useId, useRef } from 'react';
import { modelLabel } from '../../lib/model-ref.js';
import { countTokens, formatSpend, swarmSpend } from '../../lib/usage-format.js';
import { findProvider, selectProviders, useSettings } from '../../stores/settings.js';
import { useSwarms } from '../../stores/swarms.js';
import { MarkdownContent } from '../chat/MarkdownContent.js';
import { AGENT_STATUS, ROLE } from './swarm-format.js';

/** The clicked agent: what it was told, what it wrote (Markdown), its tool calls and its error. */
export function AgentPanel({ stateKey }: { stateKey: string }) {
  const agentId = useSwarms((s) => s.selectedAgent[stateKey] ?? null);
  const view = useSwarms((s) => (agentId ? s.states[stateKey]?.agents[agentId] : undefined));
  const id = useId();
  const closeRef = useRef<HTMLButtonElement>(null);
  const providerName = useSettings((s) => findProvider(selectProviders(s), view?.agent.providerId)?.name);
  const local = useSettings((s) => !!findProvider(selectProviders(s), view?.agent.providerId)?.local);
  useEffect(() => {
    if (agentId) closeRef.current?.focus();
  }, [agentId]);
  if (!agentId || !view) return null;
  const { agent, tools } = view;
  const close = () => useSwarms.getState().selectAgent(stateKey, null);
  return (
    <aside
      className="swarm-panel"
      data-testid="swarm-agent-panel"
      data-agent-id={agentId}
      aria-labelledby={`${id}-title`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          close();
        }
      }}
    >
      <header className="swarm-panel-header">
        <h3 id={`${id}-title`}>{agent.title}</h3>
        <button
          ref={closeRef}
          type="button"
          className="icon-button"
          aria-label="Close agent details"
          onClick={close}
        >
          <X size={14} aria-hidden />
        </button>
      </header>
      <p className="swarm-panel-meta muted">
        {ROLE[agent.role].label} · {AGENT_STATUS[agent.status].label} ·{' '}
        {modelLabel(agent.model, providerName)}
        {agent.machine ? ` · on ${agent.machine.name}` : ''}
        {agent.attempt > 1 ? ` · attempt ${agent.attempt}` : ''} · {countTokens(agent.tokens)} ·{' '}
        {formatSpend(swarmSpend(agent.costUsd, agent.tokens, local))}
      </p>
      {view.placement?.from && (
        <p className="swarm-panel-moved" data-testid="swarm-agent-moved">
          Moved from {view.placement.from} to {agent.machine?.name ?? 'this machine'}
          {view.placement.reason ? `: ${view.placement.reason}` : ''}
        </p>
      )}
      {agent.error && (
        <p className="inline-error" role="alert" data-testid="swarm-agent-error">
          {agent.error.message}
        </p>
      )}
      <h4>Instructions</h4>
      <p className="swarm-panel-instructions">{agent.instructions}</p>
      <h4>Tool calls</h4>
      {tools.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="swarm-panel-tools">
          {tools.map((t) => (
            <li key={t.toolCallId} data-testid="swarm-agent-tool" data-status={t.status}>
              <span className="mono">{t.toolName}</span>
              <span className="badge">{t.status}</span>
              <code className="swarm-panel-tool-input">{JSON.stringify(t.input)}</code>
            </li>
          ))}
        </ul>
      )}
      <h4>Transcript</h4>
      <div className="swarm-panel-transcript" data-testid="swarm-agent-transcript">
        {agent.output.trim() === '' ? (
          <p className="muted">Nothing written yet.</p>
        ) : (
          <MarkdownContent text={agent.output} />
        )}
      </div>
    </aside>
  );
}
