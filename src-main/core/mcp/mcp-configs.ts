/**
 * Adding and removing configured servers, the same for the window and the `cell0 mcp` commands:
 * names checked against the file as it is now, secrets to the keychain, the rest to mcp.json.
 */
import { randomUUID } from 'node:crypto';
import type { Keychain } from '../identity/keychain.js';
import { canonicalJson } from '../identity/canonical-json.js';
import { Cell0Error } from '../protocol/errors.js';
import type { McpServeSettings, McpServerConfig, McpServerInput } from '../protocol/mcp-entities.js';
import { McpSecretStore, type McpSecrets } from './mcp-secrets.js';
import { McpStore, type McpFile } from './mcp-store.js';

/** The secrets of an input, and the config that names them without their values. */
export function splitInput(
  input: McpServerInput,
  id: string,
  now = Date.now(),
): { config: McpServerConfig; secrets: McpSecrets } {
  const base = { id, name: input.name, enabled: input.enabled, disabledTools: [], createdAt: now };
  const { transport } = input;
  if (transport.kind === 'stdio') {
    const { env, ...rest } = transport;
    return {
      config: { ...base, transport: { ...rest, envNames: Object.keys(env) } },
      secrets: { env, headers: {} },
    };
  }
  const { headers, bearerToken, ...rest } = transport;
  const all = { ...headers, ...(bearerToken ? { Authorization: `Bearer ${bearerToken}` } : {}) };
  return {
    config: { ...base, transport: { ...rest, headerNames: Object.keys(all) } },
    secrets: { env: {}, headers: all },
  };
}

export class McpConfigs {
  readonly store: McpStore;
  readonly secrets: McpSecretStore;

  constructor(dataDir: string, keychain: Pick<Keychain, 'get' | 'getExpected' | 'set' | 'delete'>) {
    this.store = new McpStore(dataDir);
    this.secrets = new McpSecretStore(keychain);
  }

  read(): Promise<McpFile> {
    return this.store.read();
  }

  async find(name: string): Promise<McpServerConfig | null> {
    const file = await this.store.read();
    return file.servers.find((s) => s.name.toLowerCase() === name.toLowerCase()) ?? null;
  }

  /** Saves a new server; BAD_PARAMS when its name is taken. */
  add(input: McpServerInput): Promise<McpServerConfig> {
    const { config, secrets } = splitInput(input, randomUUID());
    return this.store.update(async (file) => {
      if (file.servers.some((s) => s.name.toLowerCase() === config.name.toLowerCase())) {
        throw new Cell0Error(
          'BAD_PARAMS',
          `There is already a server called “${config.name}”: choose another name, or remove that one first.`,
        );
      }
      await this.secrets.save(config.id, secrets);
      file.servers.push(config);
      return config;
    });
  }

  /** Replaces a server's config by the change's result; NOT_FOUND when it is gone. */
  change(id: string, apply: (config: McpServerConfig) => McpServerConfig): Promise<McpServerConfig> {
    return this.store.update((file) => {
      const index = file.servers.findIndex((s) => s.id === id);
      if (index < 0) throw gone();
      const next = apply(file.servers[index]!);
      file.servers[index] = next;
      return next;
    });
  }

  /** Forgets a server and its secrets; false when there was none by that id. */
  async remove(id: string): Promise<boolean> {
    const removed = await this.store.update((file) => {
      const before = file.servers.length;
      file.servers = file.servers.filter((s) => s.id !== id);
      return file.servers.length < before;
    });
    if (removed) await this.secrets.remove(id).catch(() => false);
    return removed;
  }

  setServe(enabled: boolean): Promise<McpServeSettings> {
    return this.store.update((file) => {
      file.serve = { enabled };
      return file.serve;
    });
  }
}

export function gone(): Cell0Error {
  return new Cell0Error('NOT_FOUND', 'That MCP server is not configured any more. Refresh the list.');
}

/** The same server, key order aside: a config read back from mcp.json lists its keys in the schema's order. */
export function sameConfig(a: McpServerConfig, b: McpServerConfig): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
