/**
 * The kernel's internal contracts: the sandbox that runs a command confined, the permission
 * engine that decides whether a call may run, and the audit log that records what happened.
 * The Kernel facade (kernel.ts) joins them for each tool call.
 */
import type { ErrorCode } from '../protocol/errors.js';
import type { EgressOptions } from './network/egress-proxy.js';
import type { OverlayLayers } from './lab/overlay.js';
import type {
  LimitKind,
  PermissionDecision,
  PermissionPreview,
  ToolName,
} from '../protocol/kernel-entities.js';

export interface Limits {
  cpuSeconds: number;
  memoryBytes: number;
  processes: number;
  fileSizeBytes: number;
  /** Output kept and passed on; beyond it the run is stopped with limit 'output'. */
  outputBytes: number;
  wallClockMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  cpuSeconds: 30,
  // Address space (RLIMIT_AS), not resident memory: runtimes reserve far more than they touch
  // (Node and npm through a proxy fail at start under 2 GiB), so the cap leaves them room.
  memoryBytes: 4 * 1024 * 1024 * 1024,
  processes: 128,
  fileSizeBytes: 100 * 1024 * 1024,
  outputBytes: 1024 * 1024,
  wallClockMs: 120_000,
};

export interface RunSpec {
  /** The command inside the sandbox; argv[0] is looked up on the sandbox's PATH. */
  argv: string[];
  /** The only writable place; bound at the same path inside, and the working directory. */
  workspace: string;
  /** Network only when this call was granted it, and then only through the egress proxy. */
  network: boolean;
  /** With network: what the egress proxy lets this run reach, and where its attempts are told. */
  egress?: EgressOptions;
  stdin?: string;
  limits?: Partial<Limits>;
  /** Run under a pseudo-terminal (node-pty): the shell tool's live terminal. */
  tty?: boolean;
  /** The owner allowed this one call to run without the sandbox (it is unavailable here). */
  unsandboxed?: boolean;
  /**
   * A lab run: the workspace is seen through this overlay (the live tree read-only below, the
   * lab's upper layer above), never written itself. Linux with bubblewrap only.
   */
  overlay?: OverlayLayers;
}

export interface RunResult {
  exitCode: number | null;
  signal: string | null;
  /** stdout and stderr as they arrived (the terminal's text under a tty), cut at the output limit. */
  output: string;
  truncated: boolean;
  limit: LimitKind | null;
  durationMs: number;
  sandboxed: boolean;
}

export interface RunOptions {
  onOutput?: (chunk: string) => void;
  signal?: AbortSignal;
}

/** One call as the kernel receives it from the agent loop. */
export interface ToolCallInput {
  conversationId: string;
  messageId: string;
  toolCallId: string;
  tool: ToolName;
  args: unknown;
  workspace: string;
  /** The agent's stated reason, if its arguments carried one. */
  reason: string | null;
  /** Run in this lab (a dry-run reply, a simulated swarm): the live workspace is not written. */
  labId?: string | null | undefined;
}

/**
 * A call of a hosted tool: one that runs in Cell 0's own process (memory_save; MCP tools) yet
 * needs the law all the same. Whoever hosts it says what the owner approves.
 */
export interface HostedCall {
  conversationId: string;
  messageId: string;
  toolCallId: string;
  /** Its name as models call it and rules, cards and the audit name it (toolNameSchema). */
  tool: string;
  args: unknown;
  /** What the owner approves, exactly as it will take effect; made visible, and what rules match. */
  display: string;
  /** The tool card's line; the display when not given. */
  summary?: string;
  /** What "always allow" proposes; `*` (every call of this tool) when not given. */
  proposedPattern?: string;
  risks?: string[];
  /** Why it asks, for the card ("a saved memory enters every later prompt"). */
  why?: string;
  /** The agent's stated reason, if it gave one. */
  reason: string | null;
}

/** What a permission card is about: a built-in call in its workspace, or a hosted call (no workspace). */
export interface PermissionSubject {
  conversationId: string;
  messageId: string;
  toolCallId: string;
  tool: string;
  args: unknown;
  workspace: string | null;
  reason: string | null;
}

export interface Assessment {
  decision: 'allow' | 'deny' | 'ask';
  /** The exact command or target, control and invisible characters made visible. */
  display: string;
  /** What a write or an edit will put in the file, for the card. */
  preview: PermissionPreview | null;
  risks: string[];
  /** Null when no rule or grant can cover the call: it can only be allowed once. */
  proposedPattern: string | null;
  network: boolean;
  /** With network: the hosts the call names (`host:port`). */
  hosts: string[];
  /** For people: which rule or default decided, or why it must ask. */
  why: string;
  matchedRuleId: string | null;
  /** Set when the call cannot succeed whatever the owner answers: denied at once, with this code. */
  refusal: { code: ErrorCode; message: string } | null;
}

export type OwnerDecision = PermissionDecision | 'cancelled';

/** A connection a running call tried that its grant did not cover, put to the policy and perhaps the owner. */
export interface ConnectionCall {
  conversationId: string;
  messageId: string;
  /** The call that tried it: the card shows with that call. */
  toolCallId: string;
  host: string;
  port: number;
  /** Why the proxy held it, for the card. */
  why: string;
}
