import { Wrench } from 'lucide-react';
import { useMcp } from '../../stores/mcp.js';
import { RunsBadge } from './McpServerRow.js';

function useServer(name: string) {
  return useMcp((s) => s.servers?.find((x) => x.config.name === name) ?? null);
}

/** Where an MCP tool's call runs, for its permission card: the server, and how it is confined. */
export function McpRunsFact({ server }: { server: string }) {
  const found = useServer(server);
  const transport = found?.config.transport;
  let where: string;
  if (!found || !transport) where = `the MCP server “${server}”`;
  else if (transport.kind === 'http') {
    where = `the remote MCP server “${server}” at ${new URL(transport.url).host}: the arguments leave this machine`;
  } else if (transport.confinement === 'unconfined') {
    where = `the MCP server “${server}”, UNCONFINED: with your full rights (your choice for this server)`;
  } else {
    const paths = transport.paths
      .map((p) => `, ${p.path}${p.write ? ' (read-write)' : ' (read-only)'}`)
      .join('');
    where = `the MCP server “${server}”, in the sandbox: this conversation’s workspace${paths}; ${transport.network ? 'network granted' : 'no network'}`;
  }
  return (
    <>
      <div>
        <dt>Runs in</dt>
        <dd
          data-testid="permission-mcp-runs"
          data-runs={found?.runs ?? 'unknown'}
          className={found?.runs === 'unconfined' ? 'permission-network-yes' : undefined}
        >
          {where}
        </dd>
      </div>
      <div>
        <dt>Its answer</dt>
        <dd>The server’s own words: your agent reads them as data, not as instructions.</dd>
      </div>
    </>
  );
}

/** How an MCP tool's call ran, for its tool card. */
export function McpRunsBadge({ server }: { server: string }) {
  const found = useServer(server);
  if (found) return <RunsBadge runs={found.runs} />;
  return (
    <span className="badge" title={`A tool of the MCP server “${server}”, no longer configured`}>
      <Wrench size={11} aria-hidden />
      MCP server
    </span>
  );
}
