import type { AuditRecord, PermissionRequest, ToolCall } from '../../src-main/core/protocol/index.js';

export function toolCall(id: string, overrides: Partial<ToolCall> = {}): ToolCall {
  return {
    id,
    conversationId: 'c1',
    messageId: 'm1',
    tool: 'shell',
    args: {},
    summary: 'ls',
    status: 'running',
    output: '',
    exitCode: null,
    limit: null,
    error: null,
    sandboxed: true,
    hosted: false,
    network: false,
    startedAt: 1,
    runningSince: null,
    endedAt: null,
    ...overrides,
  };
}

export function permissionRequest(id: string, overrides: Partial<PermissionRequest> = {}): PermissionRequest {
  return {
    id,
    conversationId: 'c1',
    messageId: 'm1',
    toolCallId: `t-${id}`,
    tool: 'shell',
    args: {},
    display: 'rm -rf build',
    preview: null,
    workspace: '/w',
    network: false,
    reason: null,
    risks: [],
    proposedPattern: 'rm -rf build*',
    why: 'No rule covers it.',
    unsandboxed: false,
    createdAt: 1,
    ...overrides,
  };
}

export function auditRecord(seq: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    seq,
    time: seq * 1000,
    actor: 'agent:c1',
    kind: 'tool.call',
    tool: 'shell',
    argsDigest: null,
    outcome: 'ok',
    conversationId: 'c1',
    prevHash: `h${seq - 1}`,
    hash: `h${seq}abcdef0123`,
    signature: 'sig',
    publicKey: 'pk',
    ...overrides,
  };
}
