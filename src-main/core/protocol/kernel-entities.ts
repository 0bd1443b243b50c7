import { z } from 'zod';
import { errorShapeSchema } from './frames.js';
import { lazySchema } from './lazy-schema.js';

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

/**
 * A tool as calls, cards, rules and the audit name it: one of TOOL_NAMES (run in the sandbox), or
 * a hosted tool that runs in Cell 0's own process under the same law (`memory_save`; MCP tools).
 */
export const toolNameSchema = lazySchema(() =>
  z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,199}$/, 'a tool name: letters, digits and _ . : / -'),
);

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
export const toolCallSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    conversationId: z.string(),
    messageId: z.string(),
    tool: toolNameSchema,
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
    /** Ran in Cell 0's own process (a hosted tool such as memory_save), not in the sandbox. */
    hosted: z.boolean(),
    network: z.boolean(),
    /** When the kernel took the call (before any permission wait). */
    startedAt: z.number(),
    /** When it started running, after the owner's answer and any pause; null if it never ran. */
    runningSince: z.number().nullable(),
    endedAt: z.number().nullable(),
  }),
);

/** What a call granted network may reach: the hosts it named, or any host whose every address is public. */
export const NETWORK_SCOPES = ['hosts', 'any-public'] as const;
export type NetworkScope = (typeof NETWORK_SCOPES)[number];

/** The pseudo-tool of a connection a running call tried that its grant did not cover (`host:port`). */
export const NETWORK_TOOL = 'network';

export const PERMISSION_DECISIONS = [
  'allow-once',
  'allow-reply',
  'allow-conversation',
  'allow-always',
  'deny',
  /** Run it in a copy-on-write lab instead: the owner reviews its changes before any reach the workspace. */
  'try-in-lab',
] as const;

/** One line of an edit's change, made visible like the display: kept as context, removed or added. */
export const previewLineSchema = lazySchema(() =>
  z.object({
    op: z.enum(['keep', 'remove', 'add']),
    text: z.string(),
  }),
);

/**
 * What a file tool will write, for the card: the whole content of a write, or the change of an
 * edit (old text to new text, line by line). Control and invisible characters are made visible.
 */
export const permissionPreviewSchema = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('write'),
      /** Size of the file it writes, in bytes (UTF-8). */
      bytes: z.number().int().nonnegative(),
      lines: z.number().int().nonnegative(),
      text: z.string(),
    }),
    z.object({
      kind: z.literal('edit'),
      removed: z.number().int().nonnegative(),
      added: z.number().int().nonnegative(),
      lines: z.array(previewLineSchema),
    }),
  ]),
);

/** What the owner is asked: everything needed to decide in one glance. */
export const permissionRequestSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    conversationId: z.string(),
    messageId: z.string(),
    toolCallId: z.string(),
    tool: toolNameSchema,
    args: z.unknown(),
    /** The exact command (shell) or target, with control and invisible characters made visible. */
    display: z.string(),
    /** What write_file or edit_file will write; null for the other tools. */
    preview: permissionPreviewSchema.nullable(),
    /** The folder it may write in; null for a hosted tool, which runs in Cell 0 itself. */
    workspace: z.string().nullable(),
    network: z.boolean(),
    /**
     * With network: the hosts the call says it wants (`host:port`), which "allow these hosts"
     * grants; any other it tries is asked when it tries. A card of the tool `network` is such an ask.
     */
    hosts: z.array(z.string()),
    /** The agent's stated reason, if it gave one (untrusted text, shown as such). */
    reason: z.string().nullable(),
    /** Parts that need a careful look: "command substitution", "writes outside the workspace", … */
    risks: z.array(z.string()),
    /**
     * The pattern "always allow" (and a grant for this reply or conversation) would keep, e.g.
     * `git status *`; null when no rule or grant can cover this call (a chain, a substitution, …):
     * it can then only be allowed once.
     */
    proposedPattern: z.string().nullable(),
    /** Why no rule covered it. */
    why: z.string(),
    /** True when the sandbox is unavailable and allowing means running this one call unconfined. */
    unsandboxed: z.boolean(),
    createdAt: z.number(),
    /** Set when the call runs on a paired peer of the mesh (its name): answered here, enforced there. */
    machine: z.string().optional(),
    /** The call runs inside a lab (a dry run): nothing it does reaches the workspace until applied. */
    lab: z.boolean().optional(),
    /** The card may offer "Try in lab first" (decision try-in-lab). */
    labOffered: z.boolean().optional(),
  }),
);

export const permissionRuleSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    tool: toolNameSchema,
    /** Glob over the call's display string (`*` any run of characters). */
    pattern: z.string(),
    decision: z.enum(['allow', 'deny']),
    createdAt: z.number(),
    /** Whether its signature by the instance key verifies; an unsigned or tampered rule is ignored. */
    valid: z.boolean(),
  }),
);

export const AUDIT_KINDS = [
  'tool.call',
  'tool.result',
  'permission.grant',
  'permission.deny',
  'limit.hit',
  'rule.add',
  'rule.revoke',
  'agent.stop',
  /** A connection a sandboxed call made through the egress proxy (host, port, bytes each way). */
  'network.connect',
  /** A connection the egress proxy refused, with why. */
  'network.refuse',
  /** A webhook delivery refused: a bad signature or secret, a stale timestamp. */
  'webhook.refuse',
  /** A paired device approved or revoked by the owner. */
  'device.pair',
  'device.revoke',
  /** The owner set or reset a conversation's workspace folder. */
  'workspace.choose',
  /** The mesh: a peer paired or unpaired, remote work accepted, a peer's message refused. */
  'mesh.pair',
  'mesh.unpair',
  'mesh.remote',
  'mesh.refused',
  /** The lab: the owner applied a lab's accepted files to the live workspace (one record per apply). */
  'lab.apply',
  /** The lab: the owner discarded a lab (its upper layer removed). */
  'lab.discard',
] as const;

export const auditRecordSchema = lazySchema(() =>
  z.object({
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
  }),
);

export const auditVerificationSchema = lazySchema(() =>
  z.object({
    ok: z.boolean(),
    count: z.number().int().nonnegative(),
    /** The first record that fails, and why (edited, deleted, reordered, bad signature). */
    firstBadSeq: z.number().int().nullable(),
    reason: z.string().nullable(),
  }),
);

export const sandboxStatusSchema = lazySchema(() =>
  z.object({
    kind: z.enum(['bubblewrap', 'sandbox-exec', 'none']),
    available: z.boolean(),
    /** For people: why not, and what would fix it. */
    detail: z.string(),
  }),
);

export type ToolCall = z.infer<typeof toolCallSchema>;
export type ToolCallStatus = ToolCall['status'];
export type LimitKind = (typeof LIMIT_KINDS)[number];
export type PermissionDecision = (typeof PERMISSION_DECISIONS)[number];
export type PermissionRequest = z.infer<typeof permissionRequestSchema>;
export type PermissionPreview = z.infer<typeof permissionPreviewSchema>;
export type PreviewLine = z.infer<typeof previewLineSchema>;
export type PermissionRule = z.infer<typeof permissionRuleSchema>;
export type AuditKind = (typeof AUDIT_KINDS)[number];
export type AuditRecord = z.infer<typeof auditRecordSchema>;
export type AuditVerification = z.infer<typeof auditVerificationSchema>;
export type SandboxStatus = z.infer<typeof sandboxStatusSchema>;
