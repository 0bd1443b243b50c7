/**
 * `cell0 mcp serve`: Cell 0 as an MCP server on standard input and output, for other MCP clients
 * (an editor, another agent app). Standard output carries only the protocol; notes go to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { EventBus } from '../core/base/event-bus.js';
import { createLogger } from '../core/base/logger.js';
import { defaultDataDir } from '../core/base/paths.js';
import { IdentityService } from '../core/identity/identity-service.js';
import { Keychain } from '../core/identity/keychain.js';
import { AuditLog } from '../core/kernel/audit/audit-log.js';
import { createCell0McpServer, OFF_MESSAGE } from '../core/mcp/cell0-server.js';
import { McpStore } from '../core/mcp/mcp-store.js';
import { HybridRetrieval } from '../core/memory/retrieval/hybrid-retrieval.js';
import { StorageService } from '../core/storage/storage-service.js';
import { VERSION } from '../core/app.js';

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
  const bus = new EventBus({ logger });
  const storage = new StorageService(dataDir);
  await storage.start();
  const identity = new IdentityService({
    keychain: new Keychain(process.env.CELL0_KEYCHAIN_SERVICE),
    db: storage.db,
    bus,
    logger,
  });
  await identity.start();
  const audit = new AuditLog({ db: storage.db, identity, bus });
  const retrieval = new HybridRetrieval({ db: storage.db, logger });
  const server = createCell0McpServer({ db: storage.db, retrieval, audit, enabled, version: VERSION });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => undefined);
  await retrieval.stop();
  await audit.stop();
  await identity.stop();
  await storage.stop();
}
