import type { ToolSet } from 'ai';
import { tool } from '../../base/ai-sdk.js';
import type { z } from 'zod';
import { TOOL_NAMES } from '../../protocol/kernel-entities.js';
import type { Kernel } from '../kernel.js';
import { toolDescriptions, toolInputSchemas } from './tool-specs.js';

export interface ReplyContext {
  conversationId: string;
  messageId: string;
  signal: AbortSignal;
  /** A dry run: every call runs in this lab. */
  labId?: string | undefined;
}

/**
 * The agent's tools for one reply: each call goes through the kernel, bound to this reply. The
 * agent turn counts the calls against the budget and gives each an id unique beyond the reply.
 */
export function kernelTools(kernel: Kernel, ctx: ReplyContext): ToolSet {
  const tools: ToolSet = {};
  for (const name of TOOL_NAMES) {
    tools[name] = tool({
      description: toolDescriptions[name],
      // One schema per tool; typed loosely here because the execute below serves all of them.
      inputSchema: toolInputSchemas[name] as unknown as z.ZodType<Record<string, unknown>>,
      execute: async (args: Record<string, unknown>, { toolCallId }) => {
        const reason = args.reason;
        const { forModel } = await kernel.execute(
          {
            conversationId: ctx.conversationId,
            messageId: ctx.messageId,
            toolCallId,
            tool: name,
            args,
            reason: typeof reason === 'string' ? reason : null,
            ...(ctx.labId ? { labId: ctx.labId } : {}),
          },
          ctx.signal,
        );
        return forModel;
      },
    });
  }
  return tools;
}
