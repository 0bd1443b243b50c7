import { describe, expect, it } from 'vitest';
import {
  toJson,
  toMarkdown,
  type ExportActivity,
} from '../../../src-main/core/memory/conversation-export.js';
import type { Conversation, Message } from '../../../src-main/core/protocol/entities.js';
import type { AuditRecord, ToolCall } from '../../../src-main/core/protocol/kernel-entities.js';

const conversation: Conversation = {
  id: 'c1',
  title: 'Disk check',
  createdAt: Date.UTC(2026, 0, 2, 10, 0),
  updatedAt: Date.UTC(2026, 0, 2, 10, 5),
  messageCount: 2,
  modelRef: null,
};

function message(over: Partial<Message>): Message {
  return {
    id: 'm',
    conversationId: 'c1',
    index: 0,
    role: 'user',
    content: '',
    status: 'complete',
    error: null,
    providerId: null,
    model: null,
    usage: null,
    createdAt: Date.UTC(2026, 0, 2, 10, 1),
    ...over,
  };
}

const messages = [
  message({
    id: 'u1',
    content: 'How full is the disk?',
    attachments: [
      { name: 'df.txt', path: 'attachments/df.txt', mimeType: 'text/plain', size: 12, kind: 'text' },
    ],
  }),
  message({
    id: 'a1',
    index: 1,
    role: 'assistant',
    content: 'It is 42% full.',
    model: 'fake-small',
    versions: { current: 2, total: 2 },
  }),
];

const call: ToolCall = {
  id: 't1',
  conversationId: 'c1',
  messageId: 'a1',
  tool: 'shell',
  args: { command: 'df -h /' },
  summary: 'df -h /',
  status: 'done',
  output: 'Filesystem  Size  Used\n/dev/sda1   100G  42G\n```',
  exitCode: 0,
  limit: null,
  error: null,
  sandboxed: true,
  hosted: false,
  network: false,
  startedAt: Date.UTC(2026, 0, 2, 10, 2),
  runningSince: Date.UTC(2026, 0, 2, 10, 2),
  endedAt: Date.UTC(2026, 0, 2, 10, 2, 1),
};

const decision: AuditRecord = {
  seq: 7,
  time: Date.UTC(2026, 0, 2, 10, 2),
  actor: 'owner',
  kind: 'permission.grant',
  tool: 'shell',
  argsDigest: 'abc',
  outcome: 'allow-once',
  conversationId: 'c1',
  prevHash: 'p',
  hash: 'h',
  signature: 's',
  publicKey: 'k',
};

const activity: ExportActivity = {
  toolCalls: [call],
  permissions: [decision],
  branches: [
    {
      id: 'b1',
      parentId: null,
      forkIndex: 1,
      messages: [message({ id: 'a0', index: 1, role: 'assistant', content: 'An earlier answer.' })],
    },
  ],
};

describe('conversation export with its activity', () => {
  it('puts each tool call with its result under its reply, and the permission decisions at the end', () => {
    const md = toMarkdown(conversation, messages, activity);
    const reply = md.indexOf('## Cell 0 (fake-small)');
    const tool = md.indexOf('**Tool `shell`** · done · exit 0 · sandboxed');
    expect(reply).toBeGreaterThan(0);
    expect(tool).toBeGreaterThan(reply);
    expect(md).toContain('version 2 of 2');
    expect(md).toContain('📎 df.txt (`attachments/df.txt`, 12 bytes)');
    // The output's own ``` cannot close the fence around it.
    expect(md).toContain('````\nFilesystem  Size  Used\n/dev/sda1   100G  42G\n```\n````');
    expect(md).toMatch(/## Permission decisions\n\n- 2026-01-02 10:02 UTC · allowed · shell · allow-once/);
    expect(md).toContain('1 message of other versions');
  });

  it('keeps every tool call, decision and set-aside version in the JSON', () => {
    const json = JSON.parse(toJson(conversation, messages, 1, activity)) as Record<string, unknown>;
    expect(json.toolCalls).toEqual([call]);
    expect(json.permissions).toEqual([decision]);
    expect(json.branches).toEqual(activity.branches);
    expect(json.messages).toEqual(messages);
  });
});
