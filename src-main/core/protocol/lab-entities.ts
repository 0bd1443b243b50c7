import { z } from 'zod';
import { lazySchema } from './lazy-schema.js';

/** What a path is, as the lab's report names it. */
export const LAB_ENTRY_TYPES = ['file', 'dir', 'symlink', 'fifo', 'socket', 'device', 'other'] as const;

export const labEntryStateSchema = lazySchema(() =>
  z.object({
    type: z.enum(LAB_ENTRY_TYPES),
    /** Permission bits with setuid/setgid/sticky (e.g. 0o100644 & 0o7777). */
    mode: z.number().int().nonnegative(),
    size: z.number().int().nonnegative(),
    /** SHA-256 (hex) of a file's bytes; null for anything else. */
    sha256: z.string().nullable(),
    /** A symlink's target as written; null for anything else. */
    target: z.string().nullable(),
  }),
);

export const labChangeSchema = lazySchema(() =>
  z.object({
    /** Relative to the workspace. For a rename, where it went. */
    path: z.string(),
    kind: z.enum(['created', 'modified', 'deleted', 'renamed']),
    /** A rename: where it was. */
    from: z.string().nullable(),
    before: labEntryStateSchema.nullable(),
    after: labEntryStateSchema.nullable(),
    /** A unified diff for text files; null for binary, unchanged or non-file content. */
    diff: z.string().nullable(),
    binary: z.boolean(),
    /** Changed content (file bytes or symlink target), apart from mode. */
    contentChanged: z.boolean(),
    modeChanged: z.boolean(),
    /** Why the lab would not apply this change (a symlink out, a device, a FIFO, setuid); null if it would. */
    refused: z.string().nullable(),
    /** Why applying it would overwrite a change made live since the lab opened; null when none. */
    conflict: z.string().nullable(),
  }),
);

export const labCommandSchema = lazySchema(() =>
  z.object({
    argv: z.array(z.string()),
    /** The tool call it ran for, in a conversation's lab; null from the CLI. */
    toolCallId: z.string().nullable(),
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    output: z.string(),
    truncated: z.boolean(),
    durationMs: z.number().int().nonnegative(),
    at: z.number().int(),
  }),
);

export const labNetworkAttemptSchema = lazySchema(() =>
  z.object({
    host: z.string(),
    port: z.number().int(),
    via: z.enum(['http', 'connect', 'socks', 'fetch_url']),
    method: z.string().nullable(),
    path: z.string().nullable(),
    at: z.number().int(),
  }),
);

export const LAB_STATES = ['open', 'applied', 'discarded', 'full'] as const;

export const labSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    /** The live workspace, as given, and its real path when the lab opened. */
    workspace: z.string(),
    realWorkspace: z.string(),
    /** How the copy-on-write view is made. */
    method: z.enum(['overlay', 'clone', 'copy']),
    state: z.enum(LAB_STATES),
    /** What the lab is for: a CLI command, a dry-run reply, a tool call tried first, a simulated swarm. */
    origin: z.enum(['cli', 'reply', 'tool-call', 'swarm']),
    conversationId: z.string().nullable(),
    /** Network attempts are recorded and refused (on: the sandbox gets the recording proxy). */
    netRecord: z.boolean(),
    createdAt: z.number().int(),
    closedAt: z.number().int().nullable(),
    /** Files in the live workspace when the lab opened. */
    baseEntries: z.number().int().nonnegative(),
    /** The size cap of the lab's changes (its upper layer). */
    maxBytes: z.number().int().positive(),
    /** Why the lab stopped keeping changes (LAB_FULL), when it did. */
    problem: z.string().nullable(),
  }),
);

export const labReportSchema = lazySchema(() =>
  z.object({
    lab: labSchema,
    changes: z.array(labChangeSchema),
    commands: z.array(labCommandSchema),
    network: z.array(labNetworkAttemptSchema),
    /** "would have contacted api.example.com:443 twice", one line per host and port. */
    networkSummary: z.array(z.string()),
  }),
);

export const labApplyResultSchema = lazySchema(() =>
  z.object({
    labId: z.string(),
    applied: z.array(z.string()),
    /** Files of the lab not applied (not accepted). */
    rejected: z.array(z.string()),
    auditSeq: z.number().int().nullable(),
  }),
);

export type LabEntryState = z.infer<typeof labEntryStateSchema>;
export type LabEntryType = LabEntryState['type'];
export type LabChange = z.infer<typeof labChangeSchema>;
export type LabCommand = z.infer<typeof labCommandSchema>;
export type LabNetworkAttempt = z.infer<typeof labNetworkAttemptSchema>;
export type Lab = z.infer<typeof labSchema>;
export type LabReport = z.infer<typeof labReportSchema>;
export type LabApplyResult = z.infer<typeof labApplyResultSchema>;
