import type { ToolSet } from 'ai';
import { tool } from '../base/ai-sdk.js';
import { z } from 'zod';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import type { Kernel } from '../kernel/kernel.js';
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
  /** memory_save goes through the kernel's law: asked, allowed by the owner's rules, audited. */
  kernel: Pick<Kernel, 'executeHosted'>;
  now: () => number;
  /**
   * An embedding model answers searches: only then does the tool say it finds things by meaning.
   * The built-in embedder matches words and their spellings, and the model is told so.
   */
  byMeaning?: boolean;
}

/** Why the owner is asked before a memory is saved. */
const SAVE_WHY = 'A saved memory is given to the model in every later conversation, so it is yours to allow.';

const SEARCH_LIMIT = 8;

/**
 * The agent's two memory tools; both touch only Cell 0's own memory store, never the owner's
 * files, network or processes. memory_search only reads, so it runs unasked, recorded in the audit
 * log (recording first: without a signing key, nothing runs). memory_save writes what every later
 * prompt will carry, so it runs as a hosted tool of the kernel: assessed by the owner's rules,
 * asked when none covers it, audited before and after, and shown as a tool call.
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
      execute: async (args, { toolCallId, abortSignal }) => {
        ctx.beforeCall?.();
        const kind = args.kind ?? 'note';
        const { forModel } = await deps.kernel.executeHosted(
          {
            conversationId: ctx.conversationId,
            messageId: ctx.messageId,
            toolCallId,
            tool: 'memory_save',
            args,
            display: args.text,
            summary: `${kind}${args.eventDate ? ` (${args.eventDate})` : ''}: ${args.text}`,
            why: SAVE_WHY,
            reason: null,
          },
          async () => {
            const memory = await deps.store.create({
              text: args.text,
              kind,
              importance: 0.6,
              eventDate: args.eventDate ?? null,
              sources: [{ conversationId: ctx.conversationId, messageId: ctx.messageId }],
              createdBy: 'agent',
            });
            return JSON.stringify({ saved: { id: memory.id, text: memory.text } });
          },
          abortSignal ?? new AbortController().signal,
        );
        return forModel;
      },
    }),
  };
}
