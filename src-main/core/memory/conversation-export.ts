import type { ConversationStore } from '../conversations/store.js';
import type { Conversation, Message } from '../protocol/entities.js';

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

export function toMarkdown(conversation: Conversation, messages: Message[]): string {
  const parts = [
    `# ${conversation.title}`,
    `Started ${when(conversation.createdAt)} · ${messages.length} messages · exported from Cell 0`,
  ];
  for (const m of messages) {
    const who = m.role === 'user' ? 'You' : `Cell 0${m.model ? ` (${m.model})` : ''}`;
    const note = m.status === 'complete' ? '' : ` · ${m.status}`;
    // Message text is copied as is: code blocks and their languages survive untouched.
    parts.push(`## ${who} · ${when(m.createdAt)}${note}`, withClosedFences(m.content || '*(empty)*'));
  }
  return `${parts.join('\n\n')}\n`;
}

export function toJson(conversation: Conversation, messages: Message[], exportedAt: number): string {
  return `${JSON.stringify(
    { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt, conversation, messages },
    null,
    2,
  )}\n`;
}

export async function exportConversation(
  store: ConversationStore,
  id: string,
  format: 'markdown' | 'json',
  now: number,
): Promise<ExportedFile> {
  const conversation = await store.get(id);
  const { messages } = await store.page(id, 0, Math.max(conversation.messageCount, 1));
  return format === 'markdown'
    ? {
        filename: safeFilename(conversation.title, 'md'),
        mimeType: 'text/markdown',
        content: toMarkdown(conversation, messages),
      }
    : {
        filename: safeFilename(conversation.title, 'json'),
        mimeType: 'application/json',
        content: toJson(conversation, messages, now),
      };
}
