import { z } from 'zod';
import type { Keychain } from '../identity/keychain.js';
import { Cell0Error } from '../protocol/errors.js';
import type { McpServerConfig } from '../protocol/mcp-entities.js';
import { lazySchema } from '../protocol/lazy-schema.js';

/** A server's secrets: its environment variables' values, its HTTP headers' (a bearer token). */
export interface McpSecrets {
  env: Record<string, string>;
  headers: Record<string, string>;
}

const secretsSchema = lazySchema(() =>
  z.object({
    env: z.record(z.string(), z.string()),
    headers: z.record(z.string(), z.string()),
  }),
);

export const mcpSecretAccount = (serverId: string) => `mcp-server:${serverId}`;
const account = mcpSecretAccount;

/** Names only are stored in mcp.json; what they are set to lives here, in the OS keychain. */
export class McpSecretStore {
  constructor(private readonly keychain: Pick<Keychain, 'get' | 'getExpected' | 'set' | 'delete'>) {}

  async save(serverId: string, secrets: McpSecrets): Promise<void> {
    if (Object.keys(secrets.env).length === 0 && Object.keys(secrets.headers).length === 0) {
      // Nothing secret: the keychain is not even opened, so a server without secrets starts without one.
      await this.keychain.delete(account(serverId)).catch(() => false);
      return;
    }
    await this.keychain.set(account(serverId), JSON.stringify(secrets));
  }

  /** The values of the names the config lists; a config that names none needs no keychain. */
  async load(config: McpServerConfig): Promise<McpSecrets> {
    const names =
      config.transport.kind === 'stdio' ? config.transport.envNames : config.transport.headerNames;
    if (names.length === 0) return { env: {}, headers: {} };
    const raw = await this.keychain.getExpected(account(config.id));
    const parsed = raw === null ? null : secretsSchema.safeParse(safeJson(raw));
    if (!parsed?.success) {
      throw new Cell0Error(
        'MCP_SERVER_FAILED',
        `The keychain has no values for ${config.name}’s ${config.transport.kind === 'stdio' ? 'environment variables' : 'headers'} (${names.join(', ')}): remove the server and add it again with them.`,
      );
    }
    return parsed.data;
  }

  async remove(serverId: string): Promise<void> {
    await this.keychain.delete(account(serverId));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
