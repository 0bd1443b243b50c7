/**
 * Cell 0 as an MCP server (`cell0 mcp serve`): other MCP clients may search the owner's memories
 * and past conversations. Read-only; off unless the owner turned it on (checked at every call, so
 * turning it off takes effect at once); every call recorded in the signed audit log before and
 * after, like a tool call — no record, no answer.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import { MATCH_END, MATCH_START, searchMessages } from '../memory/message-search.js';
import type { Retrieval } from '../memory/types.js';
import { isCell0Error } from '../protocol/errors.js';
import type { Database } from '../storage/database.js';

export interface Cell0ServerDeps {
  db: Database;
  retrieval: Pick<Retrieval, 'retrieve'>;
  audit: Pick<AuditLog, 'append'>;
  /** Whether the owner allows this now (Settings → MCP servers). */
  enabled: () => Promise<boolean>;
  version: string;
  now?: () => number;
}

export const OFF_MESSAGE =
  'Cell 0 answers MCP clients only when its owner turns it on: Settings → MCP servers → “Let other apps search Cell 0”.';

const limit = z.number().int().min(1).max(50).optional().describe('How many results at most (default 10)');

function text(body: string, isError = false): CallToolResult {
  return { content: [{ type: 'text', text: body }], ...(isError ? { isError: true } : {}) };
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function createCell0McpServer(deps: Cell0ServerDeps): McpServer {
  const server = new McpServer(
    { name: 'cell0', version: deps.version },
    {
      instructions:
        'Read-only search of the Cell 0 owner’s memories and conversations. Every call is audited.',
    },
  );
  const now = deps.now ?? Date.now;
  const client = () => server.server.getClientVersion()?.name.slice(0, 60) ?? 'unknown';

  /** The law for one call: allowed at all, recorded before and after; failures as plain errors. */
  const governed =
    <A>(tool: string, run: (args: A) => Promise<{ body: string; outcome: string }>) =>
    async (args: A): Promise<CallToolResult> => {
      if (!(await deps.enabled())) return text(OFF_MESSAGE, true);
      const record = (kind: 'tool.call' | 'tool.result', outcome: string) =>
        deps.audit.append({
          actor: `mcp-client:${client()}`,
          kind,
          tool: `cell0-mcp:${tool}`,
          args,
          outcome,
          conversationId: null,
        });
      try {
        await record('tool.call', 'started (read-only)');
        const { body, outcome } = await run(args);
        await record('tool.result', outcome);
        return text(body);
      } catch (err) {
        return text(
          isCell0Error(err)
            ? err.message
            : 'Cell 0 could not answer this search because of an internal fault; try again.',
          true,
        );
      }
    };

  server.registerTool(
    'memory_search',
    {
      title: 'Search Cell 0’s memories',
      description:
        'Search what Cell 0 remembers about its owner (facts, preferences, plans, dated events) by meaning and words.',
      inputSchema: { query: z.string().min(1).max(500), limit },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    governed('memory_search', async ({ query, limit: k }: { query: string; limit?: number | undefined }) => {
      const { memories } = await deps.retrieval.retrieve(query, { k: k ?? 10, now: now() });
      const active = memories.filter((m) => m.memory.status === 'active');
      const lines = active.map(
        ({ memory }) => `- ${memory.text} (${memory.eventDate ?? day(memory.createdAt)}, ${memory.kind})`,
      );
      return {
        body: lines.length ? lines.join('\n') : 'No memory matches.',
        outcome: `found ${lines.length}`,
      };
    }),
  );

  server.registerTool(
    'conversation_search',
    {
      title: 'Search Cell 0’s conversations',
      description: 'Full-text search over every conversation the owner had with Cell 0, best matches first.',
      inputSchema: { query: z.string().min(1).max(500), limit },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    governed(
      'conversation_search',
      async ({ query, limit: k }: { query: string; limit?: number | undefined }) => {
        const hits = await searchMessages(deps.db, query, k ?? 10);
        const lines = hits.map(
          (h) =>
            `- “${h.conversationTitle}” (${day(h.createdAt)}, ${h.role}): ${h.snippet.split(MATCH_START).join('**').split(MATCH_END).join('**')}`,
        );
        return {
          body: lines.length ? lines.join('\n') : 'No message matches.',
          outcome: `found ${lines.length}`,
        };
      },
    ),
  );
  return server;
}
