import type { ConversationStore } from '../conversations/store.js';
import type { Conversation, Message } from '../protocol/entities.js';
import type { AuditRecord, ToolCall } from '../protocol/kernel-entities.js';

/** What happened around the messages: the tools the replies ran and the owner's permission answers. */
export interface ExportActivity {
  toolCalls: ToolCall[];
  /** Audit records of kind permission.* for this conversation, oldest first. */
  permissions: AuditRecord[];
  /** Earlier versions set aside by regenerate and edit, as the store keeps them. */
  branches: Awaited<ReturnType<ConversationStore['branches']>>;
}

const NO_ACTIVITY: ExportActivity = { toolCalls: [], permissions: [], branches: [] };
/** A tool's output in the Markdown file, cut here; the JSON export keeps it whole. */
const MARKDOWN_OUTPUT_CHARS = 4000;

export interface ExportedFile {
  filename: string;
  mimeType: string;
  content: string;
}

export const EXPORT_FORMAT = 'cell0.conversation';
export const EXPORT_VERSION = 1;

// Names Windows refuses for a file whatever its extension.
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/** A file name every desktop OS accepts: letters, digits, `-` and `_`, at most 80 characters. */
export function safeFilename(title: string, extension: string): string {
  const base = title
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}_-]+/gu, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80)
    .replace(/-$/, '');
  const name = !base || RESERVED.test(base) ? `conversation${base ? `-${base}` : ''}` : base;
  return `${name}.${extension}`;
}

/** UTC, so an export reads the same wherever it is opened. */
function when(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** An unclosed code fence would swallow every later heading; closing it keeps the file readable. */
function withClosedFences(text: string): string {
  const fences = text.split('\n').filter((line) => /^\s*(```|~~~)/.test(line)).length;
  return fences % 2 === 1 ? `${text}\n\`\`\`` : text;
}

function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}\n${text}\n${fence}`;
}

function toolCallMarkdown(call: ToolCall): string {
  const output =
    call.output.length > MARKDOWN_OUTPUT_CHARS
      ? `${call.output.slice(0, MARKDOWN_OUTPUT_CHARS)}\n… (${call.output.length - MARKDOWN_OUTPUT_CHARS} more characters in the JSON export)`
      : call.output;
  const facts = [
    call.status,
    call.exitCode !== null ? `exit ${call.exitCode}` : null,
    call.sandboxed ? 'sandboxed' : call.hosted ? 'hosted' : 'not sandboxed',
    call.network ? 'network' : null,
    call.error ? `${call.error.code}: ${call.error.message}` : null,
  ].filter((f): f is string => f !== null);
  const lines = [`> **Tool \`${call.tool}\`** · ${facts.join(' · ')}`, '', fenced(call.summary)];
  if (output.trim() !== '') lines.push('', 'Result:', '', fenced(output));
  return lines.join('\n');
}

export function toMarkdown(
  conversation: Conversation,
  messages: Message[],
  activity: ExportActivity = NO_ACTIVITY,
): string {
  const parts = [
    `# ${conversation.title}`,
    `Started ${when(conversation.createdAt)} · ${messages.length} messages · exported from Cell 0`,
  ];
  const callsByMessage = new Map<string, ToolCall[]>();
  for (const call of activity.toolCalls) {
    callsByMessage.set(call.messageId, [...(callsByMessage.get(call.messageId) ?? []), call]);
  }
  for (const m of messages) {
    const who = m.role === 'user' ? 'You' : `Cell 0${m.model ? ` (${m.model})` : ''}`;
    const note = m.status === 'complete' ? '' : ` · ${m.status}`;
    const version = m.versions ? ` · version ${m.versions.current} of ${m.versions.total}` : '';
    // Message text is copied as is: code blocks and their languages survive untouched.
    parts.push(`## ${who} · ${when(m.createdAt)}${note}${version}`);
    for (const a of m.attachments ?? []) parts.push(`📎 ${a.name} (\`${a.path}\`, ${a.size} bytes)`);
    for (const call of callsByMessage.get(m.id) ?? []) parts.push(toolCallMarkdown(call));
    parts.push(withClosedFences(m.content || '*(empty)*'));
  }
  if (activity.permissions.length > 0) {
    parts.push('## Permission decisions');
    parts.push(
      activity.permissions
        .map(
          (r) =>
            `- ${when(r.time)} · ${r.kind === 'permission.deny' ? 'denied' : 'allowed'} · ${r.tool ?? 'tool'} · ${r.outcome}`,
        )
        .join('\n'),
    );
  }
  const others = activity.branches.reduce((n, b) => n + b.messages.length, 0);
  if (others > 0) {
    parts.push(
      `*${others} ${others === 1 ? 'message' : 'messages'} of other versions (regenerated replies, edited messages) are in the JSON export.*`,
    );
  }
  return `${parts.join('\n\n')}\n`;
}

export function toJson(
  conversation: Conversation,
  messages: Message[],
  exportedAt: number,
  activity: ExportActivity = NO_ACTIVITY,
): string {
  return `${JSON.stringify(
    {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt,
      conversation,
      messages,
      toolCalls: activity.toolCalls,
      permissions: activity.permissions,
      branches: activity.branches,
    },
    null,
    2,
  )}\n`;
}

export async function exportConversation(
  store: ConversationStore,
  id: string,
  format: 'markdown' | 'json',
  now: number,
  activityOf?: (conversationId: string) => Promise<Omit<ExportActivity, 'branches'>>,
): Promise<ExportedFile> {
  const conversation = await store.get(id);
  const { messages } = await store.page(id, 0, Math.max(conversation.messageCount, 1));
  const activity: ExportActivity = {
    ...(activityOf ? await activityOf(id) : { toolCalls: [], permissions: [] }),
    branches: await store.branches(id),
  };
  return format === 'markdown'
    ? {
        filename: safeFilename(conversation.title, 'md'),
        mimeType: 'text/markdown',
        content: toMarkdown(conversation, messages, activity),
      }
    : {
        filename: safeFilename(conversation.title, 'json'),
        mimeType: 'application/json',
        content: toJson(conversation, messages, now, activity),
      };
}
