import { useEffect, useId, useState } from 'react';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { useMcp } from '../../stores/mcp.js';
import { SwitchField } from '../settings/SwitchField.js';
import { McpAddForm } from './McpAddForm.js';
import { McpServerRow } from './McpServerRow.js';
import { refetchMcp } from './mcp-sync.js';

/** Settings → MCP servers: the same store as `cell0 mcp`. */
export function McpSection() {
  const servers = useMcp((s) => s.servers);
  const serve = useMcp((s) => s.serve);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [serveError, setServeError] = useState<string | null>(null);
  const id = useId();

  useEffect(() => {
    refetchMcp().catch((err: unknown) => setLoadError(errorMessage(err)));
  }, []);

  return (
    <section className="settings-section" data-testid="settings-section-mcp" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>MCP servers</h2>
      <p className="muted">
        Tools from Model Context Protocol servers, used by your agents like the built-in ones: every call is
        shown to you first (or allowed by a rule you saved) and recorded in the audit log. A server Cell 0
        starts runs in the sandbox, seeing only the conversation’s workspace and the paths you give it, with
        no network unless you grant it. What a server says about itself is its own words, not Cell 0’s.
      </p>
      {loadError && (
        <p className="inline-error" role="alert">
          The servers did not load: {loadError}{' '}
          <button
            type="button"
            className="button button-small"
            onClick={() => void refetchMcp().then(() => setLoadError(null))}
          >
            Try again
          </button>
        </p>
      )}
      {servers === null && !loadError && <p className="muted">Loading…</p>}
      {servers !== null && servers.length === 0 && (
        <p className="empty-note">
          No MCP servers yet. Add one below, or paste the `mcpServers` block of another app.
        </p>
      )}
      {servers !== null && servers.length > 0 && (
        <ul className="mcp-list" aria-label="MCP servers">
          {servers.map((server) => (
            <McpServerRow key={server.config.id} server={server} />
          ))}
        </ul>
      )}
      <McpAddForm />
      <div className="mcp-serve">
        <SwitchField
          id={`${id}-serve`}
          testId="mcp-serve-enabled"
          label="Let other apps search Cell 0"
          help="Turns on `cell0 mcp serve`: other MCP clients (an editor, another agent app) may search your memories and conversations, read-only; each search is recorded in the audit log."
          checked={serve.enabled}
          errorId={serveError ? `${id}-serve-error` : null}
          onChange={(enabled) => {
            setServeError(null);
            client()
              .call('mcp.setServe', { enabled })
              .then((next) => useMcp.getState().setServe(next))
              .catch((err: unknown) => setServeError(errorMessage(err)));
          }}
        />
        {serveError && (
          <p id={`${id}-serve-error`} className="inline-error" role="alert">
            {serveError}
          </p>
        )}
      </div>
    </section>
  );
}
