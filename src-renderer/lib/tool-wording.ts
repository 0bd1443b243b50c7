import type {
  LimitKind,
  PermissionDecision,
  ToolCall,
  ToolCallStatus,
  ToolName,
} from '../../src-main/core/protocol/index.js';
import { plural } from './plural.js';

const BUILT_IN_LABELS: Record<ToolName, string> = {
  shell: 'Shell',
  read_file: 'Read file',
  write_file: 'Write file',
  edit_file: 'Edit file',
  list_dir: 'List folder',
  search_files: 'Search files',
  fetch_url: 'Fetch URL',
};

/** Hosted tools (run in Cell 0 itself) the window knows by name; others show their own name. */
const HOSTED_LABELS: Record<string, string> = {
  memory_save: 'Save memory',
  // A connection a running call tried beyond what it was granted (the kernel's proxy asks).
  network: 'Connection',
};

/** `mcp:fs/read_file` (how rules, cards and the audit name an MCP server's tool), taken apart. */
export function mcpToolParts(tool: string): { server: string; tool: string } | null {
  const match = /^mcp:([^/]+)\/(.+)$/.exec(tool);
  return match ? { server: match[1]!, tool: match[2]! } : null;
}

/** What a person calls a tool: "Shell", "Save memory", `fs › read_file`, or a hosted tool's own name. */
export function toolLabel(tool: string): string {
  if (Object.hasOwn(BUILT_IN_LABELS, tool)) return BUILT_IN_LABELS[tool as ToolName];
  const mcp = mcpToolParts(tool);
  if (mcp) return `${mcp.server} › ${mcp.tool}`;
  return Object.hasOwn(HOSTED_LABELS, tool) ? HOSTED_LABELS[tool]! : tool;
}

/** The label inside a sentence ("Allow shell?"): Cell 0's own names lower-cased, others as they are. */
export function toolInSentence(tool: string): string {
  const known = Object.hasOwn(BUILT_IN_LABELS, tool) || Object.hasOwn(HOSTED_LABELS, tool);
  return known ? toolLabel(tool).toLowerCase() : toolLabel(tool);
}

/**
 * How long the tool ran: from the start of its execution, not from the permission request (the
 * owner's time to answer is not the tool's). Null until it ends, and for a call that never ran.
 */
export function toolDuration(call: Pick<ToolCall, 'runningSince' | 'endedAt'>): string | null {
  if (call.endedAt === null || call.runningSince === null) return null;
  const ms = Math.max(0, call.endedAt - call.runningSince);
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export const STATUS_LABELS: Record<ToolCallStatus, string> = {
  'waiting-permission': 'Waiting for permission',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  denied: 'Denied',
  limit: 'Stopped at a limit',
  cancelled: 'Cancelled',
};

const LIMIT_NAMES: Record<LimitKind, string> = {
  cpu: 'CPU time limit',
  memory: 'memory limit',
  processes: 'process count limit',
  'file-size': 'file size limit',
  output: 'output size limit',
  'wall-clock': 'running time limit',
};

const LIMIT_WHY: Record<LimitKind, string> = {
  cpu: 'it used more processor time than a tool call may.',
  memory: 'it used more memory than a tool call may.',
  processes: 'it started more processes than a tool call may.',
  'file-size': 'it tried to write a file larger than a tool call may.',
  output: 'it printed more output than a tool call may.',
  'wall-clock': 'it ran longer than a tool call may.',
};

/** "Stopped: CPU time limit" and a plain reason, for the card and its tooltip. */
export function describeLimit(kind: LimitKind): { title: string; why: string } {
  return { title: `Stopped: ${LIMIT_NAMES[kind]}`, why: `The kernel stopped it because ${LIMIT_WHY[kind]}` };
}

export type PermissionOutcome = PermissionDecision | 'cancelled';

export const OUTCOME_LABELS: Record<PermissionOutcome, string> = {
  'allow-once': 'Allowed once',
  'allow-reply': 'Allowed for the rest of this reply',
  'allow-conversation': 'Allowed in this conversation',
  'allow-always': 'Always allowed (rule saved)',
  deny: 'Denied',
  'try-in-lab': 'Tried in a lab first',
  cancelled: 'Cancelled',
};

export interface StopAllResult {
  stoppedReplies: number;
  killedTools: number;
}

/** "Stopped 2 replies and 3 tools"; "Nothing was running" when there was nothing to stop. */
export function describeStopAll({ stoppedReplies, killedTools }: StopAllResult): string {
  if (stoppedReplies === 0 && killedTools === 0) return 'Nothing was running';
  const parts: string[] = [];
  if (stoppedReplies > 0) parts.push(plural(stoppedReplies, 'reply', 'replies'));
  if (killedTools > 0) parts.push(plural(killedTools, 'tool'));
  return `Stopped ${parts.join(' and ')}`;
}

/** The head of a long output for the card; "show all" reveals the rest. */
export function clipOutput(
  text: string,
  maxLines = 40,
  maxChars = 4000,
): { shown: string; clipped: boolean; lines: number } {
  const lines = text.split('\n');
  let shown = lines.length > maxLines ? lines.slice(0, maxLines).join('\n') : text;
  if (shown.length > maxChars) shown = shown.slice(0, maxChars);
  return { shown, clipped: shown.length < text.length, lines: lines.length };
}
