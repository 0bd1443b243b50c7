import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { ArrowRightLeft, Monitor, Square } from 'lucide-react';
import { memo, useRef, useState } from 'react';
import { errorMessage } from '../../lib/client.js';
import { modelLabel } from '../../lib/model-ref.js';
import { countTokens, formatSpend, swarmSpend } from '../../lib/usage-format.js';
import { usePermissions } from '../../stores/permissions.js';
import { findProvider, selectProviders, useSettings } from '../../stores/settings.js';
import { useSwarms } from '../../stores/swarms.js';
import { answerPermission } from '../permissions/actions.js';
import { useArmed } from '../permissions/use-armed.js';
import { stopAgent } from './actions.js';
import { AGENT_STATUS, ROLE, formatCompact, formatDuration } from './swarm-format.js';
import { ACTIVE_AGENT, ENDED_AGENT, liveTokens } from './swarm-state.js';
import { useNow } from './use-now.js';
import { useSampled } from './use-sampled.js';

export interface AgentNodeData extends Record<string, unknown> {
  /** The graph state's key (live run id, or its replay's). */
  stateKey: string;
  runId: string;
  agentId: string;
  /** Live graphs offer stop and permission controls; a replay only shows. */
  live: boolean;
}

export type AgentNodeType = Node<AgentNodeData, 'agent'>;

/**
 * One agent on the graph. It reads its own agent from the store, so an event re-renders only the
 * node it is about; the graph's node list changes only when agents are added.
 */
export const AgentNode = memo(function AgentNode({ data }: NodeProps<AgentNodeType>) {
  const { stateKey, runId, agentId, live } = data;
  const view = useSwarms((s) => s.states[stateKey]?.agents[agentId]);
  const selected = useSwarms((s) => s.selectedAgent[stateKey] === agentId);
  const running = !!view && !ENDED_AGENT.has(view.agent.status);
  // A replay's clock is its last event; read only by running agents, so other nodes stay put.
  const lastAt = useSwarms((s) => (running && !live ? (s.states[stateKey]?.lastAt ?? 0) : 0));
  const now = useNow(live && running && (view.agent.startedAt !== null || view.waiting !== null), lastAt);
  // Taken once a second (the elapsed-time clock) and whenever the provider's count or the status changes.
  const shown = useSampled(
    view ? liveTokens(view) : { tokens: 0, estimated: false },
    view ? `${now}|${view.agent.tokens}|${view.agent.status}` : '',
  );
  const providerName = useSettings((s) => findProvider(selectProviders(s), view?.agent.providerId)?.name);
  const local = useSettings((s) => !!findProvider(selectProviders(s), view?.agent.providerId)?.local);
  if (!view) return null;
  const { agent, permission } = view;
  const status = AGENT_STATUS[agent.status];
  const role = ROLE[agent.role];
  const StatusIcon = status.icon;
  const RoleIcon = role.icon;
  const elapsed = agent.startedAt === null ? null : (agent.endedAt ?? now) - agent.startedAt;

  return (
    <div
      className={selected ? 'swarm-node selected' : 'swarm-node'}
      data-testid="swarm-node"
      data-agent-id={agentId}
      data-role={agent.role}
      data-status={agent.status}
      data-active={ACTIVE_AGENT.has(agent.status) ? 'true' : undefined}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="swarm-node-head">
        <RoleIcon size={14} aria-hidden className="swarm-node-role" />
        <button
          type="button"
          className="swarm-node-title nodrag"
          title={`${role.label}: ${agent.title}`}
          aria-label={`${role.label} ${agent.title}, ${status.label}. Show its transcript`}
          onClick={(e) => {
            e.stopPropagation();
            useSwarms.getState().selectAgent(stateKey, agentId);
          }}
        >
          {agent.title}
        </button>
        {live && running && <StopAgentButton runId={runId} agentId={agentId} title={agent.title} />}
      </div>
      <div className="swarm-node-status" data-testid="swarm-node-status">
        <StatusIcon
          size={12}
          aria-hidden
          className={ACTIVE_AGENT.has(agent.status) ? 'spin-slow' : undefined}
        />
        <span>{status.label}</span>
        {agent.attempt > 1 && <span className="swarm-node-attempt">try {agent.attempt}</span>}
        {agent.machine && <MachineLabel name={agent.machine.name} placement={view.placement} />}
      </div>
      <div className="swarm-node-meta">
        {/* The node is narrow: the provider is named on hover and in the agent's panel. */}
        <span className="swarm-node-model" title={modelLabel(agent.model, providerName)}>
          {agent.model}
        </span>
        <span
          title={
            shown.estimated
              ? `about ${countTokens(shown.tokens)} (counted when the step ends)`
              : countTokens(shown.tokens)
          }
          data-testid="swarm-node-tokens"
        >
          {shown.estimated ? '~' : ''}
          {formatCompact(shown.tokens)} tok
        </span>
        <span>{formatSpend(swarmSpend(agent.costUsd, agent.tokens, local))}</span>
        {elapsed !== null && <span>{formatDuration(elapsed)}</span>}
      </div>
      {view.waiting && running && (
        <p className="swarm-node-waiting" data-testid="swarm-node-waiting" title={view.waiting.error.message}>
          Rate limited: try {view.waiting.attempt} of {view.waiting.maxAttempts}
          {live && now < view.waiting.until ? ` in ${Math.ceil((view.waiting.until - now) / 1000)} s` : ''}
        </p>
      )}
      {permission && live && <NodePermission requestId={permission.requestId} display={permission.display} />}
      {permission && !live && (
        <p className="swarm-node-permission-text mono" title={permission.display}>
          Asked: {permission.display}
        </p>
      )}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});

/** Which machine of the owner's mesh the agent runs on, and where it was moved from after a fault. */
function MachineLabel(props: {
  name: string;
  placement: { from: string | null; reason: string | null } | null;
}) {
  const { name, placement } = props;
  const moved = placement?.from ?? null;
  const why = placement?.reason ? ` (${placement.reason})` : '';
  const label = moved ? `Moved from ${moved} to ${name}${why}` : `Runs on ${name}${why}`;
  return (
    <span
      className={moved ? 'swarm-node-machine moved' : 'swarm-node-machine'}
      data-testid="swarm-node-machine"
      data-moved={moved ? 'true' : undefined}
      title={label}
      aria-label={label}
    >
      {moved ? <ArrowRightLeft size={11} aria-hidden /> : <Monitor size={11} aria-hidden />}
      {name}
    </span>
  );
}

function StopAgentButton({ runId, agentId, title }: { runId: string; agentId: string; title: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <button
      type="button"
      className="icon-button swarm-node-stop nodrag"
      data-testid="swarm-node-stop"
      aria-label={`Stop ${title}`}
      title={error ?? `Stop ${title}`}
      disabled={busy}
      onClick={(e) => {
        e.stopPropagation();
        setBusy(true);
        setError(null);
        stopAgent(runId, agentId)
          .catch((err: unknown) => setError(`Could not stop it: ${errorMessage(err)}`))
          .finally(() => setBusy(false));
      }}
    >
      <Square size={11} aria-hidden fill="currentColor" />
    </button>
  );
}

/**
 * The same request as the permission card in the conversation; answering either resolves both.
 * Allowing waits, as on the card, until it has been on screen for a moment (a click meant for
 * something else must not land on a node that just appeared); Deny never waits.
 */
function NodePermission({ requestId, display }: { requestId: string; display: string }) {
  const pending = usePermissions((s) => s.byId[requestId]?.outcome === null);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const armed = useArmed(ref);
  const answer = (decision: 'allow-once' | 'deny') => {
    if (decision !== 'deny' && !armed) return;
    setError(null);
    answerPermission(requestId, decision).catch((err: unknown) => setError(errorMessage(err)));
  };
  return (
    <div
      ref={ref}
      className="swarm-node-permission nodrag"
      data-testid="swarm-node-permission"
      data-armed={armed ? 'true' : 'false'}
      role="group"
      aria-label="Permission request"
    >
      <p className="swarm-node-permission-text mono" title={display}>
        {display}
      </p>
      {pending && (
        <div className="swarm-node-permission-actions">
          <button
            type="button"
            className="button button-small button-primary"
            data-testid="swarm-node-allow"
            disabled={!armed}
            onClick={(e) => {
              e.stopPropagation();
              answer('allow-once');
            }}
          >
            Allow once
          </button>
          <button
            type="button"
            className="button button-small"
            data-testid="swarm-node-deny"
            onClick={(e) => {
              e.stopPropagation();
              answer('deny');
            }}
          >
            Deny
          </button>
        </div>
      )}
      {error && (
        <p className="swarm-node-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
