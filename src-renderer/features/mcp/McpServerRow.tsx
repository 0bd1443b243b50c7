import { Globe, RefreshCw, ShieldCheck, ShieldOff, Trash2 } from 'lucide-react';
import { useState } from 'react';
import type { McpServer } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { errorMessage } from '../../lib/client.js';
import { plural } from '../../lib/plural.js';
import { useMcp } from '../../stores/mcp.js';
import { McpAccessEditor } from './McpAccessEditor.js';
import { McpToolList } from './McpToolList.js';

const STATE_WORDS: Record<McpServer['state'], string> = {
  disabled: 'Off',
  starting: 'Starting…',
  ready: 'Ready',
  failed: 'Failed',
};

export function RunsBadge({ runs }: { runs: McpServer['runs'] }) {
  if (runs === 'sandboxed') {
    return (
      <span
        className="badge badge-success"
        data-testid="mcp-runs"
        data-runs={runs}
        title="Runs in the sandbox"
      >
        <ShieldCheck size={11} aria-hidden />
        Sandboxed
      </span>
    );
  }
  if (runs === 'unconfined') {
    return (
      <span
        className="badge badge-danger"
        data-testid="mcp-runs"
        data-runs={runs}
        title="Runs with your full rights: you chose this for this server"
      >
        <ShieldOff size={11} aria-hidden />
        UNCONFINED
      </span>
    );
  }
  return (
    <span className="badge" data-testid="mcp-runs" data-runs={runs} title="A server on another machine">
      <Globe size={11} aria-hidden />
      Remote
    </span>
  );
}

function commandLine(server: McpServer): string {
  const t = server.config.transport;
  return t.kind === 'http' ? t.url : [t.command, ...t.args].join(' ');
}

/** One server: its state, how it runs, what it said, its tools; switch it off, restart it, remove it. */
export function McpServerRow({ server }: { server: McpServer }) {
  const { config } = server;
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  /** Calls that answer with the server's new state show it at once, before its announcement. */
  const run = (fn: () => Promise<{ server: McpServer }>) => {
    setError(null);
    fn()
      .then(({ server: next }) => useMcp.getState().upsert(next))
      .catch((err: unknown) => setError(errorMessage(err)));
  };
  const transport = config.transport;
  return (
    <li className="mcp-row" data-testid="mcp-server-row" data-name={config.name} data-state={server.state}>
      <div className="mcp-head">
        <span className={`status-dot mcp-dot-${server.state}`} aria-hidden />
        <strong className="mcp-name">{config.name}</strong>
        <span data-testid="mcp-state">{STATE_WORDS[server.state]}</span>
        <RunsBadge runs={server.runs} />
        {server.serverInfo && (
          <span className="muted mcp-info" title="What the server calls itself">
            {server.serverInfo.name} {server.serverInfo.version}
          </span>
        )}
        <span className="mcp-actions">
          <input
            type="checkbox"
            role="switch"
            className="switch"
            data-testid="mcp-enabled"
            aria-label={`${config.name} on`}
            checked={config.enabled}
            onChange={(e) =>
              run(() => client().call('mcp.update', { id: config.id, enabled: e.target.checked }))
            }
          />
          <button
            type="button"
            className="icon-button"
            data-testid="mcp-restart"
            aria-label={`Restart ${config.name}`}
            title="Restart"
            disabled={!config.enabled}
            onClick={() => run(() => client().call('mcp.restart', { id: config.id }))}
          >
            <RefreshCw size={13} aria-hidden />
          </button>
          <button
            type="button"
            className="icon-button"
            data-testid="mcp-remove"
            aria-label={`Remove ${config.name}`}
            title="Remove"
            onClick={() => setConfirming(true)}
          >
            <Trash2 size={13} aria-hidden />
          </button>
        </span>
      </div>
      <code className="mcp-command" data-testid="mcp-command-line">
        {commandLine(server)}
      </code>
      {transport.kind === 'stdio' && transport.confinement === 'sandbox' && (
        <p className="muted mcp-sees">
          Sees the conversation’s workspace
          {transport.paths
            .map((p) => `, ${p.path}${p.write ? ' (read-write)' : ' (read-only)'}`)
            .join('')}; {transport.network ? 'network granted' : 'no network'}.
        </p>
      )}
      {server.error && (
        <p className="inline-error" role="alert" data-testid="mcp-error">
          {server.error.message}
        </p>
      )}
      {server.lastProblem && server.state === 'ready' && (
        <p className="mcp-problem" data-testid="mcp-last-problem">
          Last problem: {server.lastProblem}
        </p>
      )}
      {server.stderrTail && (
        <details className="mcp-stderr" data-testid="mcp-stderr">
          <summary>What it wrote to stderr</summary>
          <pre>{server.stderrTail}</pre>
        </details>
      )}
      {transport.kind === 'stdio' && <McpAccessEditor server={server} transport={transport} />}
      <McpToolList server={server} onError={setError} />
      {(server.resources.length > 0 || server.prompts.length > 0) && (
        <details className="mcp-extras">
          <summary>
            {plural(server.resources.length, 'resource')}, {plural(server.prompts.length, 'prompt')}
          </summary>
          <ul>
            {server.resources.map((r) => (
              <li key={r.uri}>
                <code>{r.uri}</code> {r.name}
              </li>
            ))}
            {server.prompts.map((p) => (
              <li key={p.name}>
                Prompt <code>{p.name}</code>
                {p.arguments.length > 0 ? ` (${p.arguments.map((a) => a.name).join(', ')})` : ''}
              </li>
            ))}
          </ul>
        </details>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Remove ${config.name}?`}
          confirmLabel="Remove"
          confirmTestId="mcp-remove-confirm"
          busy={busy}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setBusy(true);
            client()
              .call('mcp.remove', { id: config.id })
              .then(() => useMcp.getState().remove(config.id))
              .catch((err: unknown) => {
                setError(errorMessage(err));
                setBusy(false);
                setConfirming(false);
              });
          }}
        >
          Its processes stop, its secrets leave the keychain, and agents no longer see its tools. Rules you
          saved for its tools stay until you revoke them.
        </ConfirmDialog>
      )}
    </li>
  );
}
