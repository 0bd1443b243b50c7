import { z } from 'zod';
import { errorShapeSchema } from './frames.js';

/** The tools an agent can call; every call goes through the kernel. */
export const TOOL_NAMES = [
  'shell',
  'read_file',
  'write_file',
  'edit_file',
  'list_dir',
  'search_files',
  'fetch_url',
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export const TOOL_CALL_STATUSES = [
  'waiting-permission',
  'running',
  'done',
  'failed',
  'denied',
  'limit',
  'cancelled',
] as const;

export const LIMIT_KINDS = ['cpu', 'memory', 'processes', 'file-size', 'output', 'wall-clock'] as const;

/** One tool call of an assistant reply, as the conversation shows it (also after a reload). */
export const toolCallSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  messageId: z.string(),
  tool: z.enum(TOOL_NAMES),
  args: z.unknown(),
  /** One line a person reads: the command, the path, the URL. */
  summary: z.string(),
  status: z.enum(TOOL_CALL_STATUSES),
  /** Output as the model received it (truncated at the output limit). */
  output: z.string(),
  exitCode: z.number().int().nullable(),
  limit: z.enum(LIMIT_KINDS).nullable(),
  error: errorShapeSchema.nullable(),
  sandboxed: z.boolean(),
  network: z.boolean(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
});

export const PERMISSION_DECISIONS = [
  'allow-once',
  'allow-reply',
  'allow-conversation',
  'allow-always',
  'deny',
] as const;

/** What the owner is asked: everything needed to decide in one glance. */
export const permissionRequestSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  messageId: z.string(),
  toolCallId: z.string(),
  tool: z.enum(TOOL_NAMES),
  args: z.unknown(),
  /** The exact command (shell) or target, with control and invisible characters made visible. */
  display: z.string(),
  workspace: z.string(),
  network: z.boolean(),
  /** The agent's stated reason, if it gave one (untrusted text, shown as such). */
  reason: z.string().nullable(),
  /** Parts that need a careful look: "command substitution", "writes outside the workspace", … */
  risks: z.array(z.string()),
  /** The pattern "always allow" would save, e.g. `shell: git status*`. */
  proposedPattern: z.string(),
  /** Why no rule covered it. */
  why: z.string(),
  /** True when the sandbox is unavailable and allowing means running this one call unconfined. */
  unsandboxed: z.boolean(),
  createdAt: z.number(),
  /** Set when the call runs on a paired peer of the mesh (its name): answered here, enforced there. */
  machine: z.string().optional(),
});

export const permissionRuleSchema = z.object({
  id: z.string(),
  tool: z.enum(TOOL_NAMES),
  /** Glob over the call's display string (`*` any run of characters). */
  pattern: z.string(),
  decision: z.enum(['allow', 'deny']),
  createdAt: z.number(),
  /** Whether its signature by the instance key verifies; an unsigned or tampered rule is ignored. */
  valid: z.boolean(),
});

export const AUDIT_KINDS = [
  'tool.call',
  'tool.result',
  'permission.grant',
  'permission.deny',
  'limit.hit',
  'rule.add',
  'rule.revoke',
  'agent.stop',
  /** The mesh: a peer paired or unpaired, remote work accepted, a peer's message refused. */
  'mesh.pair',
  'mesh.unpair',
  'mesh.remote',
  'mesh.refused',
] as const;

export const auditRecordSchema = z.object({
  seq: z.number().int().positive(),
  time: z.number(),
  /** Who acted: "owner", "agent:<conversationId>", "kernel". */
  actor: z.string(),
  kind: z.enum(AUDIT_KINDS),
  tool: z.string().nullable(),
  /** SHA-256 (hex) of the canonical JSON of the call's arguments: the record proves what ran without storing it. */
  argsDigest: z.string().nullable(),
  outcome: z.string(),
  conversationId: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
  /** Ed25519 signature (base64url) of `hash` by the instance key named in publicKey. */
  signature: z.string(),
  publicKey: z.string(),
});

export const auditVerificationSchema = z.object({
  ok: z.boolean(),
  count: z.number().int().nonnegative(),
  /** The first record that fails, and why (edited, deleted, reordered, bad signature). */
  firstBadSeq: z.number().int().nullable(),
  reason: z.string().nullable(),
});

export const sandboxStatusSchema = z.object({
  kind: z.enum(['bubblewrap', 'sandbox-exec', 'none']),
  available: z.boolean(),
  /** For people: why not, and what would fix it. */
  detail: z.string(),
});

export type ToolCall = z.infer<typeof toolCallSchema>;
export type ToolCallStatus = ToolCall['status'];
export type LimitKind = (typeof LIMIT_KINDS)[number];
export type PermissionDecision = (typeof PERMISSION_DECISIONS)[number];
export type PermissionRequest = z.infer<typeof permissionRequestSchema>;
export type PermissionRule = z.infer<typeof permissionRuleSchema>;
export type AuditKind = (typeof AUDIT_KINDS)[number];
export type AuditRecord = z.infer<typeof auditRecordSchema>;
export type AuditVerification = z.infer<typeof auditVerificationSchema>;
export type SandboxStatus = z.infer<typeof sandboxStatusSchema>;
