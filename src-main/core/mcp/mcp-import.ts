/**
 * The `mcpServers` block other apps export (Claude Desktop, Cursor, VS Code's `servers`), read as
 * servers to add. Every stdio server comes in confined, with no declared paths and no network:
 * what it needs beyond that the owner grants afterwards, seeing what it asked for.
 */
import { Cell0Error } from '../protocol/errors.js';
import { mcpServerInputSchema, type McpServerInput } from '../protocol/mcp-entities.js';

export interface ImportPlan {
  servers: McpServerInput[];
  skipped: { name: string; reason: string }[];
}

function record(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function strings(value: unknown): Record<string, string> {
  const entries = Object.entries(record(value) ?? {}).filter(([, v]) => typeof v === 'string');
  return Object.fromEntries(entries) as Record<string, string>;
}

/** A name other apps allow (spaces, dots) made into one Cell 0 allows. */
export function importedName(name: string): string {
  return name
    .trim()
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, 32);
}

function entryToInput(name: string, entry: Record<string, unknown>): McpServerInput | string {
  const type = typeof entry.type === 'string' ? entry.type.toLowerCase() : null;
  if (typeof entry.url === 'string' || type === 'http' || type === 'streamable-http' || type === 'sse') {
    if (type === 'sse') {
      return 'it is an SSE server; Cell 0 speaks Streamable HTTP (try the server’s /mcp URL instead of /sse)';
    }
    if (typeof entry.url !== 'string') return 'it has no url';
    const headers = strings(entry.headers);
    return {
      name,
      transport: { kind: 'http', url: entry.url, headers, bearerToken: null },
      enabled: true,
    };
  }
  if (typeof entry.command !== 'string' || entry.command === '') return 'it has neither a command nor a url';
  const args = Array.isArray(entry.args) ? entry.args.filter((a): a is string => typeof a === 'string') : [];
  return {
    name,
    transport: {
      kind: 'stdio',
      command: entry.command,
      args,
      cwd: typeof entry.cwd === 'string' ? entry.cwd : null,
      env: strings(entry.env),
      confinement: 'sandbox',
      paths: [],
      network: false,
    },
    enabled: entry.disabled !== true,
  };
}

/** Reads a pasted block; throws BAD_PARAMS when it is not one at all. */
export function planImport(json: string): ImportPlan {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new Cell0Error('BAD_PARAMS', `That is not JSON: ${(err as Error).message}`);
  }
  const top = record(parsed);
  const block = record(top?.mcpServers) ?? record(top?.servers) ?? top;
  if (!block || Object.keys(block).length === 0) {
    throw new Cell0Error(
      'BAD_PARAMS',
      'Paste a block like {"mcpServers": {"name": {"command": "…", "args": […]}}}.',
    );
  }
  const plan: ImportPlan = { servers: [], skipped: [] };
  for (const [given, value] of Object.entries(block)) {
    const entry = record(value);
    const name = importedName(given);
    if (!entry) {
      plan.skipped.push({ name: given, reason: 'its entry is not an object' });
      continue;
    }
    const input = entryToInput(name, entry);
    if (typeof input === 'string') {
      plan.skipped.push({ name: given, reason: input });
      continue;
    }
    const checked = mcpServerInputSchema.safeParse(input);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      plan.skipped.push({
        name: given,
        reason: `${issue?.path.join('.') || 'entry'}: ${issue?.message ?? 'invalid'}`,
      });
      continue;
    }
    plan.servers.push(checked.data);
  }
  return plan;
}
