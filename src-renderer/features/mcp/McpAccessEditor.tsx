import { useId, useState } from 'react';
import type { McpServer, McpStdioTransport } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { parsePaths } from '../../lib/command-line.js';
import { useMcp } from '../../stores/mcp.js';

function pathsText(transport: McpStdioTransport): string {
  return transport.paths.map((p) => `${p.path}${p.write ? ':rw' : ''}`).join('\n');
}

/** What a server Cell 0 starts may see and reach: changed here, it restarts with the new walls. */
export function McpAccessEditor({ server, transport }: { server: McpServer; transport: McpStdioTransport }) {
  const [paths, setPaths] = useState(pathsText(transport));
  const [network, setNetwork] = useState(transport.network);
  const [unconfined, setUnconfined] = useState(transport.confinement === 'unconfined');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const changed =
    paths !== pathsText(transport) ||
    network !== transport.network ||
    unconfined !== (transport.confinement === 'unconfined');

  async function save(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const { server: next } = await client().call('mcp.update', {
        id: server.config.id,
        paths: parsePaths(paths),
        network,
        confinement: unconfined ? 'unconfined' : 'sandbox',
      });
      useMcp.getState().upsert(next);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <details className="mcp-access" data-testid="mcp-access">
      <summary>What it may see and reach</summary>
      <div className="field">
        <label htmlFor={`${id}-paths`}>Paths (one per line; add :rw to let it write)</label>
        <textarea
          id={`${id}-paths`}
          data-testid="mcp-access-paths"
          className="mono"
          rows={3}
          value={paths}
          disabled={unconfined}
          onChange={(e) => setPaths(e.target.value)}
        />
      </div>
      <label className="mcp-check">
        <input
          type="checkbox"
          data-testid="mcp-access-network"
          checked={network}
          disabled={unconfined}
          onChange={(e) => setNetwork(e.target.checked)}
        />{' '}
        Network (only through Cell 0’s proxy: public hosts, every connection audited)
      </label>
      <label className="mcp-check">
        <input
          type="checkbox"
          data-testid="mcp-access-unconfined"
          checked={unconfined}
          onChange={(e) => setUnconfined(e.target.checked)}
        />{' '}
        Run it unconfined, with my full rights
      </label>
      <button
        type="button"
        className="button button-small"
        data-testid="mcp-access-save"
        disabled={!changed || busy}
        onClick={() => void save()}
      >
        Save and restart
      </button>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </details>
  );
}
