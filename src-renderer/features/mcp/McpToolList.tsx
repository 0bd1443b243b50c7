import { AlertTriangle } from 'lucide-react';
import type { McpServer, McpTool } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { plural } from '../../lib/plural.js';
import { useMcp } from '../../stores/mcp.js';

function schemaText(tool: McpTool): string {
  try {
    return JSON.stringify(tool.inputSchema, null, 2);
  } catch {
    return String(tool.inputSchema);
  }
}

/** A server's tools with their schemas, each switchable; a tool with a broken schema says why it is off. */
export function McpToolList({ server, onError }: { server: McpServer; onError: (message: string) => void }) {
  const { config, tools } = server;
  if (tools.length === 0) return null;
  const toggle = (tool: McpTool, on: boolean) => {
    const off = new Set(config.disabledTools);
    if (on) off.delete(tool.name);
    else off.add(tool.name);
    client()
      .call('mcp.update', { id: config.id, disabledTools: [...off] })
      .then(({ server: next }) => useMcp.getState().upsert(next))
      .catch((err: unknown) => onError(errorMessage(err)));
  };
  return (
    <details className="mcp-tools" data-testid="mcp-tools" open={tools.length <= 8}>
      <summary>{plural(tools.length, 'tool')}</summary>
      <ul aria-label={`Tools of ${config.name}`}>
        {tools.map((tool) => (
          <li
            key={tool.name}
            className="mcp-tool"
            data-testid="mcp-tool"
            data-tool={tool.name}
            data-enabled={tool.enabled}
          >
            <label className="mcp-tool-name">
              <input
                type="checkbox"
                role="switch"
                className="switch"
                data-testid="mcp-tool-enabled"
                checked={tool.problem === null && !config.disabledTools.includes(tool.name)}
                disabled={tool.problem !== null}
                onChange={(e) => toggle(tool, e.target.checked)}
              />
              <code>{tool.name}</code>
            </label>
            {tool.description && (
              <p className="mcp-tool-description" title="The server’s own description, not Cell 0’s">
                {tool.description}
              </p>
            )}
            {tool.problem && (
              <p className="mcp-problem" data-testid="mcp-tool-problem">
                <AlertTriangle size={12} aria-hidden /> Not offered to agents: {tool.problem}
              </p>
            )}
            <details className="mcp-schema">
              <summary>Input schema</summary>
              <pre>{schemaText(tool)}</pre>
            </details>
          </li>
        ))}
      </ul>
    </details>
  );
}
