import { realpath, stat } from 'node:fs/promises';
import { basename, join, relative, isAbsolute } from 'node:path';
import type { ToolSet } from 'ai';
import { tool } from '../../base/ai-sdk.js';
import { z } from 'zod';
import type { AuditLog } from '../../kernel/audit/audit-log.js';
import type { ChannelChat } from '../../protocol/channel-entities.js';
import { MAX_ATTACHMENT_BYTES } from './inbound-router.js';
import type { Outbox } from './outbox.js';

export interface ChannelToolDeps {
  chatOf(conversationId: string): ChannelChat | null;
  outbox: Outbox;
  workspaceFor(conversationId: string): Promise<string>;
  audit: Pick<AuditLog, 'append'>;
}

/** A path the agent names, resolved inside the conversation's workspace or refused (links followed first). */
async function insideWorkspace(workspace: string, path: string): Promise<string | null> {
  try {
    const root = await realpath(workspace);
    const target = await realpath(isAbsolute(path) ? path : join(root, path));
    const rel = relative(root, target);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? target : null;
  } catch {
    return null;
  }
}

/**
 * What the agent may do in a channel conversation besides writing its reply: send a file from its
 * workspace to the chat (attachments out). Only files the conversation's tools could already
 * write or the chat sent in: nothing else on the machine. Recorded in the audit log like any call.
 */
export function channelTools(
  deps: ChannelToolDeps,
  ctx: { conversationId: string; messageId: string },
): ToolSet {
  const chat = deps.chatOf(ctx.conversationId);
  if (!chat) return {};
  return {
    send_file: tool({
      description:
        'Send a file from this conversation’s workspace to the chat as an attachment (for example a report you wrote there).',
      inputSchema: z.object({
        path: z.string().min(1).max(500).describe('The file’s path in the workspace, e.g. "report.pdf"'),
      }),
      execute: async ({ path }) => {
        await deps.audit.append({
          actor: `agent:${ctx.conversationId}`,
          kind: 'tool.call',
          tool: 'send_file',
          args: { path },
          outcome: 'started',
          conversationId: ctx.conversationId,
        });
        const file = await insideWorkspace(await deps.workspaceFor(ctx.conversationId), path);
        const size = file ? (await stat(file)).size : 0;
        let outcome: string;
        if (!file) outcome = 'Error: no such file in the workspace.';
        else if (size > MAX_ATTACHMENT_BYTES) outcome = 'Error: the file is larger than 20 MB.';
        else {
          const sent = await deps.outbox.send(chat.channelId, chat.chatId, `${ctx.messageId}:file:${path}`, {
            file: { name: basename(file), path: file },
          });
          outcome = sent
            ? `Sent ${basename(file)} to the chat.`
            : 'Error: the platform did not take the file.';
        }
        await deps.audit.append({
          actor: 'channels',
          kind: 'tool.result',
          tool: 'send_file',
          args: { path },
          outcome,
          conversationId: ctx.conversationId,
        });
        return outcome;
      },
    }),
  };
}
