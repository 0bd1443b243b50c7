import { tool, type ToolSet } from 'ai';
import { z } from 'zod';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import type { MemoryStore } from './memory-store.js';
import type { Retrieval } from './types.js';

export interface MemoryToolContext {
  conversationId: string;
  /** The reply being written: a saved memory names it as its source. */
  messageId: string;
  /** Counting calls is the agent turn's; kept optional for callers outside one. */
  beforeCall?: () => void;
}

export interface MemoryToolDeps {
  store: MemoryStore;
  retrieval: Retrieval;
  audit: Pick<AuditLog, 'append'>;
  now: () => number;
  /**
   * An embedding model answers searches: only then does the tool say it finds things by meaning.
   * The built-in embedder matches words and their spellings, and the model is told so.
   */
  byMeaning?: boolean;
}

const SEARCH_LIMIT = 8;

/**
 * The agent's two memory tools. They read and write only Cell 0's own memory store, never the
 * owner's files, network or processes, so they do not go through the kernel's sandbox or its
 * permission engine (which guard what touches the owner's machine); they are still recorded in
 * the audit log, like every tool call. Recording comes first: without a signing key, nothing runs.
 */
export function memoryTools(deps: MemoryToolDeps, ctx: MemoryToolContext): ToolSet {
  const record = (tool: string, args: unknown, kind: 'tool.call' | 'tool.result', outcome: string) =>
    deps.audit.append({
      actor: kind === 'tool.call' ? `agent:${ctx.conversationId}` : 'memory',
      kind,
      tool,
      args,
      outcome,
      conversationId: ctx.conversationId,
    });

  return {
    memory_search: tool({
      description:
        `Search your long-term memory of the owner (facts, preferences, plans, past events) ${
          deps.byMeaning
            ? 'by meaning and words'
            : 'by words (use the words the owner would have used; other words for the same thing may not match)'
        }. ` + 'Use it when the owner refers to something from before that is not in this conversation.',
      inputSchema: z.object({
        query: z.string().min(1).max(500).describe('What to look for, in a few words'),
      }),
      execute: async (args) => {
        ctx.beforeCall?.();
        await record('memory_search', args, 'tool.call', 'started');
        const { memories } = await deps.retrieval.retrieve(args.query, {
          k: SEARCH_LIMIT,
          now: deps.now(),
          excludeConversationId: ctx.conversationId,
        });
        const found = memories
          .filter((s) => s.memory.status === 'active')
          .map((s) => ({
            id: s.memory.id,
            text: s.memory.text,
            date: s.memory.eventDate ?? new Date(s.memory.createdAt).toISOString().slice(0, 10),
          }));
        await record('memory_search', args, 'tool.result', `found ${found.length}`);
        return { memories: found };
      },
    }),
    memory_save: tool({
      description:
        'Save something worth remembering in later conversations: one self-contained sentence. ' +
        'Use it when the owner asks you to remember something, or shares a lasting fact or preference.',
      inputSchema: z.object({
        text: z.string().min(1).max(2000),
        kind: z.enum(['fact', 'preference', 'plan', 'event', 'note']).optional(),
        eventDate: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/)
          .nullable()
          .optional()
          .describe('The date it is about, yyyy-mm-dd, if any'),
      }),
      execute: async (args) => {
        ctx.beforeCall?.();
        await record('memory_save', args, 'tool.call', 'started');
        const memory = await deps.store.create({
          text: args.text,
          kind: args.kind ?? 'note',
          importance: 0.6,
          eventDate: args.eventDate ?? null,
          sources: [{ conversationId: ctx.conversationId, messageId: ctx.messageId }],
          createdBy: 'agent',
        });
        await record('memory_save', args, 'tool.result', `saved ${memory.id}`);
        return { saved: { id: memory.id, text: memory.text } };
      },
    }),
  };
}
