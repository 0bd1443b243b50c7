import { Fingerprint } from 'lucide-react';
import {
  PendingPermissionsStatus,
  RunningToolsStatus,
  SandboxStatus,
} from '../features/kernel/KernelStatus.js';
import { PauseAgentsButton, PausedBadge } from '../features/kernel/PauseAgents.js';
import { StopAllButton } from '../features/kernel/StopAllButton.js';
import { MemoryStatus } from '../features/memory/MemoryStatus.js';
import type { ConnectionState } from '../lib/connection-state.js';
import { effectiveModelRef, modelLabel } from '../lib/model-ref.js';
import {
  conversationCost,
  conversationCostLabel,
  COST_UNKNOWN,
  LOCAL_FREE,
  pricesNote,
} from '../lib/usage-format.js';
import { useConnection } from '../stores/connection.js';
import { useConversations } from '../stores/conversations.js';
import { useIdentity } from '../stores/identity.js';
import { useMessages } from '../stores/messages.js';
import { findProvider, selectProviders, useSettings } from '../stores/settings.js';
import { useUi } from '../stores/ui.js';
import { ServicesStatus } from './ServicesStatus.js';

const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  disconnected: 'Disconnected — retrying',
  unauthorized: 'Access token refused',
};

/**
 * Only facts the window knows: the sandbox and running tools once the kernel has reported them;
 * the memory daemon gets its place when the core reports it. Nothing is shown rather than a guess.
 */
export function StatusBar() {
  const state = useConnection((s) => s.state);
  const appInfo = useConnection((s) => s.appInfo);
  const inChat = useUi((s) => s.view === 'chat');

  return (
    <footer className="statusbar">
      <span
        className="status-item status-connection"
        data-testid="connection-status"
        data-state={state}
        role="status"
        aria-label={`Connection: ${CONNECTION_LABELS[state]}`}
        title={CONNECTION_LABELS[state]}
      >
        <span className="status-dot" aria-hidden />
        {/* Connected is the usual state: the green dot says it, leaving the room to what varies. */}
        {state !== 'connected' && CONNECTION_LABELS[state]}
      </span>
      <PausedBadge />
      <ModelStatus />
      {inChat && <CostStatus />}
      <SandboxStatus />
      <RunningToolsStatus />
      <PendingPermissionsStatus />
      <MemoryStatus />
      <ServicesStatus />
      <span className="status-spacer" />
      {state === 'connected' && <PauseAgentsButton />}
      {state === 'connected' && <StopAllButton place="statusbar" />}
      <IdentityStatus />
      {appInfo && (
        <span
          className="status-item muted"
          title={`${appInfo.mode === 'serve' ? 'cell0 serve' : 'Desktop'} · version ${appInfo.version} · data folder: ${appInfo.dataDir}`}
        >
          v{appInfo.version}
        </span>
      )}
    </footer>
  );
}

/** The model the next reply in view will use: the conversation's own, else the default. */
function ModelStatus() {
  const inChat = useUi((s) => s.view === 'chat');
  const conversationId = useMessages((s) => s.conversationId);
  const conversation = useConversations((s) => s.list.find((c) => c.id === conversationId));
  const defaultModel = useSettings((s) => s.snapshot?.defaultModel ?? null);
  const providers = useSettings(selectProviders);
  const ref = inChat ? effectiveModelRef(conversation, defaultModel) : defaultModel;
  const provider = findProvider(providers, ref?.providerId);
  const model = ref && provider ? modelLabel(ref.model, provider.name) : null;

  return (
    <span className="status-item status-shrink" title={model ? `Model: ${model}` : 'Model'}>
      <span data-testid="status-model" className={model ? 'status-value' : 'status-value muted'}>
        {model ?? 'no model'}
      </span>
    </span>
  );
}

/** This conversation's spend from its loaded replies; "≥" when some are not loaded or unpriced. */
function CostStatus() {
  const providers = useSettings(selectProviders);
  const label = useMessages((s) => {
    // Runs on every store change (each bumps version), so the mutable cache is read fresh.
    if (!s.conversationId) return null;
    const cost = conversationCost(s.cache.loaded(), s.total, (id) => !!findProvider(providers, id)?.local);
    return cost ? conversationCostLabel(cost) : null;
  });
  const pricesAsOf = useConnection((s) => s.appInfo?.pricesAsOf);
  if (!label) return null;
  let title = `Cost of this conversation, ${pricesNote(pricesAsOf)}`;
  if (label.startsWith('≥')) {
    title = `Cost of the replies loaded here; some are not loaded or have no known price (${pricesNote(pricesAsOf)})`;
  } else if (label === COST_UNKNOWN) {
    title = 'No known price for the model of these replies';
  } else if (label === LOCAL_FREE) {
    title = 'Every reply here came from a model on this machine';
  }
  return (
    <span className="status-item" title={title}>
      <span className="status-label">This chat</span>
      <span className="status-value" data-testid="status-cost">
        {label}
      </span>
    </span>
  );
}

function IdentityStatus() {
  const identity = useIdentity((s) => s.state);
  if (!identity) return null;
  if (identity.status === 'unavailable') {
    return (
      <span
        className="status-item status-warning"
        data-testid="status-identity"
        title={identity.error.message}
      >
        <Fingerprint size={12} aria-hidden />
        ID unavailable
      </span>
    );
  }
  return (
    <span
      className="status-item"
      data-testid="status-identity"
      title={`Fingerprint of this instance: ${identity.identity.fingerprint}`}
    >
      <Fingerprint size={12} aria-hidden />
      <span className="mono">ID {identity.identity.shortFingerprint}</span>
    </span>
  );
}
