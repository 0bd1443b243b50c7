import { Shield, ShieldOff, ShieldQuestion, Wrench } from 'lucide-react';
import { pendingRequests } from '../../lib/permission-state.js';
import { plural } from '../../lib/plural.js';
import { useKernel } from '../../stores/kernel.js';
import { usePermissions } from '../../stores/permissions.js';
import { selectConversation } from '../conversations/actions.js';

const SANDBOX_NAMES = { bubblewrap: 'bubblewrap', 'sandbox-exec': 'sandbox-exec', none: 'none' } as const;

/** Whether tool calls are confined: shown only once the kernel has said, never guessed. */
export function SandboxStatus() {
  const sandbox = useKernel((s) => s.sandbox);
  if (!sandbox) return null;
  if (sandbox.available) {
    return (
      <span
        className="status-item status-ok"
        data-testid="status-sandbox"
        data-available="true"
        title={`Tool calls run confined (${SANDBOX_NAMES[sandbox.kind]})${sandbox.detail ? `: ${sandbox.detail}` : ''}`}
        aria-label={`Sandbox on: ${SANDBOX_NAMES[sandbox.kind]}`}
      >
        <Shield size={12} aria-hidden />
        Sandbox on
      </span>
    );
  }
  return (
    <span
      className="status-item status-danger"
      data-testid="status-sandbox"
      data-available="false"
      title={sandbox.detail}
      aria-label={`Sandbox unavailable: ${sandbox.detail}`}
    >
      <ShieldOff size={12} aria-hidden />
      Sandbox unavailable
    </span>
  );
}

export function RunningToolsStatus() {
  const sandboxKnown = useKernel((s) => s.sandbox !== null);
  const running = useKernel((s) => s.runningTools);
  if (!sandboxKnown) return null;
  return (
    <span
      className={running > 0 ? 'status-item' : 'status-item muted'}
      data-testid="status-running-tools"
      data-count={running}
      title="Tool calls running now, in every conversation"
    >
      <Wrench size={12} aria-hidden />
      {running === 0 ? 'Tools idle' : `${plural(running, 'tool')} running`}
    </span>
  );
}

/** Requests waiting for an answer, in any conversation; a click opens the oldest one's conversation. */
export function PendingPermissionsStatus() {
  const oldest = usePermissions((s) => pendingRequests(s)[0]?.conversationId ?? null);
  const count = usePermissions((s) => pendingRequests(s).length);
  if (count === 0 || !oldest) return null;
  return (
    <button
      type="button"
      className="status-button status-attention"
      data-testid="status-pending-permissions"
      title="Waiting for your answer: open the conversation that asks"
      onClick={() => selectConversation(oldest)}
    >
      <ShieldQuestion size={12} aria-hidden />
      {plural(count, 'request')} waiting
    </button>
  );
}
