/**
 * MCP tools as a model sees them, each call through the kernel like a built-in tool: the same
 * permission engine, cards, rules and audit log (Kernel.executeHosted), then the server.
 */
import { createHash } from 'node:crypto';
import type { ToolSet } from 'ai';
import { dynamicTool, jsonSchema } from '../base/ai-sdk.js';
import type { EventBus } from '../base/event-bus.js';
import { visibleText } from '../kernel/permissions/visible.js';
import type { HostedCall } from '../kernel/types.js';
import type { ListedTool } from './mcp-connection.js';
import type { McpServerRuntime } from './mcp-server.js';
import { resultForModel } from './tool-result.js';

/** What the MCP tools need of the kernel (the composition root hands the Kernel in). */
export interface HostedKernel {
  executeHosted(
    input: HostedCall,
    run: (signal: AbortSignal) => Promise<string>,
    signal: AbortSignal,
  ): Promise<{ forModel: string }>;
}

export interface ToolContext {
  conversationId: string;
  messageId: string;
  signal: AbortSignal;
}

/** Providers take tool names of at most 64 letters, digits, _ and -. */
const MODEL_NAME_MAX = 64;
const DESCRIPTION_MAX = 2000;
const SUMMARY_MAX = 160;

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);

/** The name a model calls it by: `mcp__server__tool`, made unique and short enough. */
export function modelToolName(server: string, tool: string, taken: ReadonlySet<string>): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');
  const name = `mcp__${clean(server)}__${clean(tool)}`;
  if (name.length <= MODEL_NAME_MAX && !taken.has(name)) return name;
  return `${name.slice(0, MODEL_NAME_MAX - 9)}_${hash(`${server}\0${tool}`)}`;
}

/** The name rules, cards and the audit log know it by: `mcp:server/tool`. */
export function kernelToolName(server: string, tool: string): string {
  return `mcp:${server}/${tool.replace(/[^A-Za-z0-9_.:/-]/g, '_')}`.slice(0, 200);
}

/**
 * The exact arguments, in full, as the server will receive them: one line of JSON (the kernel
 * marks every line break of a display, so a pretty-printed one would read as many commands).
 */
export function argumentsDisplay(args: unknown): string {
  try {
    return JSON.stringify(args ?? {});
  } catch {
    return String(args);
  }
}

function whereItRuns(server: McpServerRuntime): { risks: string[]; why: string; note: string } {
  const transport = server.config.transport;
  if (transport.kind === 'http') {
    const host = new URL(transport.url).host;
    return {
      risks: [`sends the arguments to ${host}`],
      why: `A tool of the remote MCP server “${server.name}” at ${host}: no rule or earlier answer covers this call.`,
      note: ` (a remote server at ${host})`,
    };
  }
  if (transport.confinement === 'unconfined') {
    return {
      risks: ['runs UNCONFINED, with your rights (your choice for this server)'],
      why: `A tool of the MCP server “${server.name}”, which you chose to run unconfined: no rule or earlier answer covers this call.`,
      note: '',
    };
  }
  return {
    risks: transport.network ? ['the server has network'] : [],
    why: `A tool of the MCP server “${server.name}”, confined by the sandbox to this conversation’s workspace and the paths you declared for it: no rule or earlier answer covers this call.`,
    note: '',
  };
}

function description(server: McpServerRuntime, tool: ListedTool, note: string): string {
  const own = tool.description.slice(0, DESCRIPTION_MAX);
  return (
    `Tool “${tool.name}” of the MCP server “${server.name}”${note}. Each call is shown to the owner first. ` +
    `The server describes it as follows (its words, not Cell 0’s or the owner’s): ${own || '(no description)'}`
  );
}

function inputSchemaOf(tool: ListedTool): Parameters<typeof jsonSchema>[0] {
  const schema = (tool.inputSchema ?? { type: 'object' }) as Record<string, unknown>;
  // Providers want an object schema with properties; the $schema dialect is the server's business.
  const { $schema: _dialect, ...rest } = schema;
  return { properties: {}, ...rest, type: 'object' } as Parameters<typeof jsonSchema>[0];
}

/** One reply's MCP tools: every ready server's enabled tools, each call governed by the kernel. */
export function mcpToolSet(
  servers: readonly McpServerRuntime[],
  kernel: HostedKernel,
  bus: EventBus,
  ctx: ToolContext,
): ToolSet {
  const tools: ToolSet = {};
  const taken = new Set<string>();
  for (const server of servers) {
    const where = whereItRuns(server);
    for (const listed of server.offered()) {
      const name = modelToolName(server.name, listed.name, taken);
      taken.add(name);
      tools[name] = dynamicTool({
        description: description(server, listed, where.note),
        inputSchema: jsonSchema(inputSchemaOf(listed)),
        execute: async (args, { toolCallId }) => {
          // The card names the tool (`server › tool`) itself: its line is the arguments.
          const line = argumentsDisplay(args);
          const input: HostedCall = {
            conversationId: ctx.conversationId,
            messageId: ctx.messageId,
            toolCallId,
            tool: kernelToolName(server.name, listed.name),
            args,
            display: argumentsDisplay(args),
            summary: line.length > SUMMARY_MAX ? `${line.slice(0, SUMMARY_MAX - 1)}…` : line,
            risks: where.risks,
            why: where.why,
            reason: null,
          };
          const run = async (signal: AbortSignal) => {
            try {
              const result = await server.call(ctx.conversationId, listed.name, args, {
                signal,
                onProgress: ({ progress, total, message }) =>
                  bus.emit('tool.progress', {
                    conversationId: ctx.conversationId,
                    toolCallId,
                    progress,
                    total,
                    message: message === null ? null : visibleText(message.slice(0, 500)),
                  }),
              });
              return resultForModel(server.name, listed.name, result);
            } catch (err) {
              if (signal.aborted)
                return `Stopped: the owner stopped this call, and ${server.name} was told to cancel it.`;
              throw err;
            }
          };
          const { forModel } = await kernel.executeHosted(input, run, ctx.signal);
          return forModel;
        },
      });
    }
  }
  return tools;
}
