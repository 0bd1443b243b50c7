/**
 * The configured MCP servers, in `mcp.json` in the data directory: one file the window, `cell0
 * serve` and the `cell0 mcp` commands all read and write, so a server added from the terminal shows
 * up in a running app (it watches the file). Never a secret: variable and header values are in
 * the keychain (mcp-secrets.ts).
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../base/atomic-file.js';
import { z } from 'zod';
import {
  mcpServeSettingsSchema,
  mcpServerConfigSchema,
  type McpServeSettings,
  type McpServerConfig,
} from '../protocol/mcp-entities.js';
import { lazySchema } from '../protocol/lazy-schema.js';

export const MCP_FILE = 'mcp.json';

export interface McpFile {
  serve: McpServeSettings;
  servers: McpServerConfig[];
  /** Entries that did not parse (a hand edit, a newer version): kept as they are, never dropped. */
  unreadable: unknown[];
}

const fileSchema = lazySchema(() =>
  z.object({
    version: z.literal(1).optional(),
    serve: z.unknown().optional(),
    servers: z.array(z.unknown()).optional(),
    unreadable: z.array(z.unknown()).optional(),
  }),
);

const EMPTY: McpFile = { serve: { enabled: false }, servers: [], unreadable: [] };

/** Parses the file's text entry by entry: one bad server does not hide the others. */
export function parseMcpFile(text: string): McpFile {
  const raw = fileSchema.parse(JSON.parse(text));
  const serve = mcpServeSettingsSchema.safeParse(raw.serve);
  const servers: McpServerConfig[] = [];
  const unreadable: unknown[] = [...(raw.unreadable ?? [])];
  const names = new Set<string>();
  for (const entry of raw.servers ?? []) {
    const parsed = mcpServerConfigSchema.safeParse(entry);
    if (parsed.success && !names.has(parsed.data.name.toLowerCase())) {
      names.add(parsed.data.name.toLowerCase());
      servers.push(parsed.data);
    } else {
      unreadable.push(entry);
    }
  }
  return { serve: serve.success ? serve.data : EMPTY.serve, servers, unreadable };
}

export class McpStore {
  readonly file: string;
  /** Where a damaged file was moved aside, if one was (the owner may want it back). */
  setAside: string | null = null;
  // Writes of this process one at a time: each reads the file fresh, so another process's change stays.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.file = join(dataDir, MCP_FILE);
  }

  async read(): Promise<McpFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(EMPTY);
      throw err;
    }
    try {
      return parseMcpFile(text);
    } catch {
      // Not JSON at all: kept beside a fresh file for the owner to look at, never deleted.
      this.setAside = `${this.file}.corrupt-${Date.now()}`;
      await rename(this.file, this.setAside);
      return structuredClone(EMPTY);
    }
  }

  /** Reads, changes and writes the file as one step of this process. */
  update<T>(change: (file: McpFile) => T | Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const file = await this.read();
      const result = await change(file);
      await this.write(file);
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Atomically: a crash leaves the old file or the new one, never half of one. */
  private async write(file: McpFile): Promise<void> {
    const body = {
      version: 1,
      serve: file.serve,
      servers: file.servers,
      ...(file.unreadable.length > 0 ? { unreadable: file.unreadable } : {}),
    };
    await writeFileAtomic(this.file, `${JSON.stringify(body, null, 2)}\n`);
  }
}
