/**
 * One live MCP session (the official SDK's Client over a transport): the handshake within a time
 * limit, the server's tools, resources and prompts read leniently (one broken tool does not hide
 * the others), list-changed notifications, and tool calls with progress and cancellation.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolResultSchema,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
  ToolSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { z } from 'zod';
import type { McpPrompt, McpResource } from '../protocol/mcp-entities.js';

/** A tool as listed, before the owner's switches: a problem when it cannot be offered. */
export interface ListedTool {
  name: string;
  title: string | null;
  description: string;
  inputSchema: unknown;
  problem: string | null;
}

export interface Catalog {
  serverInfo: { name: string; version: string } | null;
  tools: ListedTool[];
  resources: McpResource[];
  prompts: McpPrompt[];
}

export interface ConnectionEvents {
  /** The server said one of its lists changed (notifications/…/list_changed). */
  onListChanged(): void;
  /** The session ended, for whatever reason (the owner of the connection decides what it means). */
  onClosed(): void;
}

export interface CallOptions {
  signal: AbortSignal;
  onProgress?: (progress: { progress: number; total: number | null; message: string | null }) => void;
}

/** How long one request may go without progress, and at most in all. */
const CALL_TIMEOUT_MS = 120_000;
const CALL_MAX_TOTAL_MS = 15 * 60_000;
const LIST_TIMEOUT_MS = 30_000;
const MAX_PAGES = 50;
const MAX_TOOLS = 500;
const MAX_DESCRIPTION = 4000;

const page = (key: string) =>
  z.looseObject({ [key]: z.array(z.unknown()), nextCursor: z.string().optional() });

function text(value: unknown, max = MAX_DESCRIPTION): string | null {
  return typeof value === 'string' ? value.slice(0, max) : null;
}

const validator = new AjvJsonSchemaValidator();

/** Checks one listed tool; what a model cannot be handed gets a problem instead of being dropped. */
export function checkTool(raw: unknown, seen: Set<string>): ListedTool {
  const record = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const name =
    typeof record.name === 'string' && record.name !== '' ? record.name.slice(0, 256) : '(unnamed)';
  const listed: ListedTool = {
    name,
    title: text(record.title, 200),
    description: text(record.description) ?? '',
    inputSchema: record.inputSchema ?? null,
    problem: null,
  };
  const parsed = ToolSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    return {
      ...listed,
      problem: `Its listing is not a valid MCP tool (${issue?.message ?? 'invalid'}${where}).`,
    };
  }
  if (seen.has(name)) return { ...listed, problem: 'The server lists another tool by the same name.' };
  seen.add(name);
  try {
    validator.getValidator(parsed.data.inputSchema as Parameters<typeof validator.getValidator>[0]);
  } catch (err) {
    return {
      ...listed,
      problem: `Its input schema is broken (${err instanceof Error ? err.message.slice(0, 200) : 'invalid'}).`,
    };
  }
  return listed;
}

export class McpConnection {
  private closed = false;

  private constructor(
    readonly client: Client,
    readonly transport: Transport,
  ) {}

  /** Connects and completes the handshake, or throws (the transport is closed then). */
  static async open(
    transport: Transport,
    options: { timeoutMs: number; version: string; events: ConnectionEvents },
  ): Promise<McpConnection> {
    const client = new Client({ name: 'cell0', version: options.version }, { capabilities: {} });
    const connection = new McpConnection(client, transport);
    const changed = () => {
      if (!connection.closed) options.events.onListChanged();
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, changed);
    client.setNotificationHandler(ResourceListChangedNotificationSchema, changed);
    client.setNotificationHandler(PromptListChangedNotificationSchema, changed);
    // Errors of the transport (a line that is not JSON-RPC) are noted by it; the session goes on.
    client.onerror = () => undefined;
    client.onclose = () => {
      connection.closed = true;
      options.events.onClosed();
    };
    try {
      await client.connect(transport, { timeout: options.timeoutMs });
    } catch (err) {
      connection.closed = true;
      await transport.close().catch(() => undefined);
      throw err;
    }
    return connection;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async catalog(): Promise<Catalog> {
    const version = this.client.getServerVersion();
    const capabilities = this.client.getServerCapabilities() ?? {};
    const seen = new Set<string>();
    const tools = capabilities.tools
      ? (await this.listAll('tools/list', 'tools')).slice(0, MAX_TOOLS).map((raw) => checkTool(raw, seen))
      : [];
    // A server that fails to list its resources or prompts still has working tools.
    const resources = capabilities.resources
      ? await this.listAll('resources/list', 'resources').then(
          (items) => items.slice(0, MAX_TOOLS).flatMap(toResource),
          () => [],
        )
      : [];
    const prompts = capabilities.prompts
      ? await this.listAll('prompts/list', 'prompts').then(
          (items) => items.slice(0, MAX_TOOLS).flatMap(toPrompt),
          () => [],
        )
      : [];
    return {
      serverInfo: version
        ? { name: String(version.name).slice(0, 200), version: String(version.version).slice(0, 100) }
        : null,
      tools,
      resources,
      prompts,
    };
  }

  private async listAll(
    method: 'tools/list' | 'resources/list' | 'prompts/list',
    key: string,
  ): Promise<unknown[]> {
    const items: unknown[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < MAX_PAGES; i++) {
      const result = (await this.client.request({ method, params: cursor ? { cursor } : {} }, page(key), {
        timeout: LIST_TIMEOUT_MS,
      })) as Record<string, unknown> & { nextCursor?: string };
      items.push(...(result[key] as unknown[]));
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    return items;
  }

  call(name: string, args: unknown, options: CallOptions): Promise<CallToolResult> {
    return this.client.request(
      { method: 'tools/call', params: { name, arguments: (args ?? {}) as Record<string, unknown> } },
      CallToolResultSchema,
      {
        signal: options.signal,
        timeout: CALL_TIMEOUT_MS,
        resetTimeoutOnProgress: true,
        maxTotalTimeout: CALL_MAX_TOTAL_MS,
        ...(options.onProgress
          ? {
              onprogress: (p: { progress: number; total?: number; message?: string }) =>
                options.onProgress?.({
                  progress: p.progress,
                  total: p.total ?? null,
                  message: p.message ?? null,
                }),
            }
          : {}),
      },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client.close().catch(() => undefined);
  }
}

function toResource(raw: unknown): McpResource[] {
  const r = (raw ?? {}) as Record<string, unknown>;
  if (typeof r.uri !== 'string') return [];
  return [
    {
      uri: r.uri.slice(0, 2000),
      name: text(r.name, 200) ?? r.uri.slice(0, 200),
      description: text(r.description),
      mimeType: text(r.mimeType, 200),
    },
  ];
}

function toPrompt(raw: unknown): McpPrompt[] {
  const p = (raw ?? {}) as Record<string, unknown>;
  if (typeof p.name !== 'string') return [];
  const args = Array.isArray(p.arguments) ? (p.arguments as Record<string, unknown>[]) : [];
  return [
    {
      name: p.name.slice(0, 200),
      description: text(p.description),
      arguments: args
        .filter((a) => typeof a?.name === 'string')
        .map((a) => ({ name: String(a.name).slice(0, 200), required: a.required === true })),
    },
  ];
}
