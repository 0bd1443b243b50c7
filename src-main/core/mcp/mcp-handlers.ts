import type { Handlers } from '../protocol/router.js';
import type { McpService } from './mcp-service.js';

type McpHandlers = Pick<
  Handlers,
  | 'mcp.list'
  | 'mcp.add'
  | 'mcp.import'
  | 'mcp.test'
  | 'mcp.update'
  | 'mcp.restart'
  | 'mcp.remove'
  | 'mcp.setServe'
>;

export function mcpHandlers({ mcp }: { mcp: McpService }): McpHandlers {
  return {
    'mcp.list': () => mcp.list(),
    'mcp.add': async (input) => ({ server: await mcp.add(input) }),
    'mcp.import': ({ json }) => mcp.import(json),
    'mcp.test': (input) => mcp.test(input),
    'mcp.update': async (change) => ({ server: await mcp.update(change) }),
    'mcp.restart': async ({ id }) => ({ server: await mcp.restart(id) }),
    'mcp.remove': async ({ id }) => ({ removed: await mcp.remove(id) }),
    'mcp.setServe': ({ enabled }) => mcp.setServe(enabled),
  };
}
