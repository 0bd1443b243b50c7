import type { ConnectionState } from '../lib/connection-state.js';
import { useConnection } from '../stores/connection.js';
import { useSettings } from '../stores/settings.js';

const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  disconnected: 'Disconnected — retrying',
  unauthorized: 'Access token refused',
};

/**
 * Only facts the window knows. Sandbox, memory daemon and identity get their places here when the
 * core reports them; until then nothing is shown rather than a guess.
 */
export function StatusBar() {
  const state = useConnection((s) => s.state);
  const appInfo = useConnection((s) => s.appInfo);
  const model = useSettings((s) => s.provider?.model || null);

  return (
    <footer className="statusbar">
      <span
        className="status-item status-connection"
        data-testid="connection-status"
        data-state={state}
        role="status"
        aria-label={`Connection: ${CONNECTION_LABELS[state]}`}
      >
        <span className="status-dot" aria-hidden />
        {CONNECTION_LABELS[state]}
      </span>
      <span className="status-item" title="Model">
        <span className="status-label">Model</span>
        <span data-testid="status-model" className={model ? 'status-value' : 'status-value muted'}>
          {model ?? 'no model'}
        </span>
      </span>
      <span className="status-spacer" />
      {appInfo && (
        <span className="status-item muted" title={`Data folder: ${appInfo.dataDir}`}>
          {appInfo.mode === 'serve' ? 'cell0 serve' : 'Desktop'} · v{appInfo.version}
        </span>
      )}
    </footer>
  );
}
