/**
 * `cell0 mcp serve`: Cell 0 as an MCP server on standard input and output, for other MCP clients
 * (an editor, another agent app). Standard output carries only the protocol; notes go to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createLogger } from '../core/base/logger.js';
import { defaultDataDir } from '../core/base/paths.js';
import { createCell0McpServer, OFF_MESSAGE } from '../core/mcp/cell0-server.js';
import { McpStore } from '../core/mcp/mcp-store.js';
import { HybridRetrieval } from '../core/memory/retrieval/hybrid-retrieval.js';
import { VERSION } from '../core/base/version.js';
import { openAuditTrail } from './audit-trail.js';

export async function mcpServe(): Promise<void> {
  const dataDir = defaultDataDir();
  const store = new McpStore(dataDir);
  const enabled = async () => (await store.read()).serve.enabled;
  if (!(await enabled())) {
    process.stderr.write(`cell0 mcp serve: ${OFF_MESSAGE}\n`);
    process.exitCode = 1;
    return;
  }
  const logger = createLogger();
  const trail = await openAuditTrail(dataDir, logger);
  const retrieval = new HybridRetrieval({ db: trail.db, logger });
  const server = createCell0McpServer({
    db: trail.db,
    retrieval,
    audit: trail.audit,
    enabled,
    version: VERSION,
  });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => undefined);
  await retrieval.stop();
  await trail.close();
}
