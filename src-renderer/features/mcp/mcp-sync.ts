import { client } from '../../app/client-instance.js';
import type { Client } from '../../lib/client.js';
import { useMcp } from '../../stores/mcp.js';
import { useToolProgress } from '../../stores/tool-progress.js';

export async function refetchMcp(): Promise<void> {
  useMcp.getState().setAll(await client().call('mcp.list', {}));
}

/** The MCP events, kept here so app/sync.ts only spreads them in. */
export function mcpListeners(c: Client): (() => void)[] {
  const store = () => useMcp.getState();
  return [
    c.on('mcp.updated', ({ server }) => store().upsert(server)),
    c.on('mcp.removed', ({ id }) => store().remove(id)),
    c.on('mcp.serve', (serve) => store().setServe(serve)),
    c.on('tool.progress', (progress) => useToolProgress.getState().note(progress)),
  ];
}
