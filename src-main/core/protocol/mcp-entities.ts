import { z } from 'zod';
import { errorShapeSchema } from './frames.js';
import { lazySchema } from './lazy-schema.js';

/** How a server is named in tool names, cards, rules and the CLI: `fs`, `github`, `my-db`. */
export const mcpServerNameSchema = lazySchema(() =>
  z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/,
      'a server name is 1 to 32 letters, digits, - and _, starting with a letter or digit',
    ),
);

/** A place on this machine the owner lets a confined server see, read-only or read-write. */
export const mcpPathSchema = lazySchema(() =>
  z.object({
    path: z
      .string()
      .min(1)
      .max(4096)
      .refine((p) => p.startsWith('/'), 'an absolute path'),
    write: z.boolean(),
  }),
);

const envName = lazySchema(() =>
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name'),
);
const headerName = lazySchema(() =>
  z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, 'an HTTP header name'),
);

/** A server Cell 0 starts: a command and its arguments, run in the sandbox unless the owner chose otherwise. */
export const mcpStdioTransportSchema = lazySchema(() =>
  z.object({
    kind: z.literal('stdio'),
    command: z.string().min(1).max(4096),
    /** `${workspace}` stands for the conversation's workspace (the server's home when listing). */
    args: z.array(z.string().max(8192)).max(200),
    cwd: z.string().max(4096).nullable(),
    /** The names of its environment variables; their values are in the keychain. */
    envNames: z.array(envName).max(100),
    /** 'unconfined' only by the owner's choice for this server: it then runs with the owner's rights. */
    confinement: z.enum(['sandbox', 'unconfined']),
    paths: z.array(mcpPathSchema).max(50),
    /** Network granted to this server (confined, it goes through the kernel's egress proxy). */
    network: z.boolean(),
  }),
);

/** A remote server over Streamable HTTP; header values (a bearer token) are in the keychain. */
export const mcpHttpTransportSchema = lazySchema(() =>
  z.object({
    kind: z.literal('http'),
    url: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//i.test(u), 'an http:// or https:// URL'),
    headerNames: z.array(headerName).max(50),
  }),
);

export const mcpTransportSchema = lazySchema(() =>
  z.discriminatedUnion('kind', [mcpStdioTransportSchema, mcpHttpTransportSchema]),
);

/** One configured server as stored (mcp.json in the data directory): never a secret. */
export const mcpServerConfigSchema = lazySchema(() =>
  z.object({
    id: z.string().min(1).max(64),
    name: mcpServerNameSchema,
    transport: mcpTransportSchema,
    enabled: z.boolean(),
    /** Tools the owner switched off: never offered to a model. */
    disabledTools: z.array(z.string().max(256)).max(1000),
    createdAt: z.number(),
  }),
);

export const MCP_STATES = ['disabled', 'starting', 'ready', 'failed'] as const;

/** A tool as the server lists it. Its description and schema are the server's words, not Cell 0's. */
export const mcpToolSchema = lazySchema(() =>
  z.object({
    name: z.string(),
    title: z.string().nullable(),
    description: z.string(),
    inputSchema: z.unknown(),
    /** Offered to models: listed fine and not switched off. */
    enabled: z.boolean(),
    /** Why it cannot be offered (a broken schema); null when it can. */
    problem: z.string().nullable(),
  }),
);

export const mcpResourceSchema = lazySchema(() =>
  z.object({
    uri: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    mimeType: z.string().nullable(),
  }),
);

export const mcpPromptSchema = lazySchema(() =>
  z.object({
    name: z.string(),
    description: z.string().nullable(),
    arguments: z.array(z.object({ name: z.string(), required: z.boolean() })),
  }),
);

/** A server and how it is doing: what Settings → MCP servers and `cell0 mcp list` show. */
export const mcpServerSchema = lazySchema(() =>
  z.object({
    config: mcpServerConfigSchema,
    state: z.enum(MCP_STATES),
    error: errorShapeSchema.nullable(),
    /** The last lines it wrote to stderr (its own words, control characters made visible). */
    stderrTail: z.string(),
    /** How its tools run: in the sandbox, unconfined by the owner's choice, or on a remote host. */
    runs: z.enum(['sandboxed', 'unconfined', 'remote']),
    serverInfo: z.object({ name: z.string(), version: z.string() }).nullable(),
    tools: z.array(mcpToolSchema),
    resources: z.array(mcpResourceSchema),
    prompts: z.array(mcpPromptSchema),
    /** Confined processes running for conversations, besides the one that lists its tools. */
    instances: z.number().int().nonnegative(),
    /** The latest failure of a call or of a conversation's process, when the server itself is up. */
    lastProblem: z.string().nullable(),
    updatedAt: z.number(),
  }),
);

/** Cell 0 as an MCP server for other clients (`cell0 mcp serve`): off unless the owner turns it on. */
export const mcpServeSettingsSchema = lazySchema(() => z.object({ enabled: z.boolean() }));

/** What the owner types or pastes to add a server (secrets included, which go to the keychain). */
export const mcpServerInputSchema = lazySchema(() =>
  z.object({
    name: mcpServerNameSchema,
    transport: z.discriminatedUnion('kind', [
      mcpStdioTransportSchema.omit({ envNames: true }).extend({
        env: z.record(envName, z.string().max(32_768)),
      }),
      mcpHttpTransportSchema.omit({ headerNames: true }).extend({
        headers: z.record(headerName, z.string().max(32_768)),
        /** Sent as `Authorization: Bearer …`; kept in the keychain. */
        bearerToken: z.string().max(32_768).nullable(),
      }),
    ]),
    enabled: z.boolean(),
  }),
);

/** How a test connection went: what the server said and how long it took. */
export const mcpTestResultSchema = lazySchema(() =>
  z.object({
    ok: z.boolean(),
    error: errorShapeSchema.nullable(),
    stderrTail: z.string(),
    serverInfo: z.object({ name: z.string(), version: z.string() }).nullable(),
    tools: z.array(mcpToolSchema),
    durationMs: z.number(),
  }),
);

export type McpServerConfig = z.infer<typeof mcpServerConfigSchema>;
export type McpTransport = z.infer<typeof mcpTransportSchema>;
export type McpStdioTransport = z.infer<typeof mcpStdioTransportSchema>;
export type McpHttpTransport = z.infer<typeof mcpHttpTransportSchema>;
export type McpPath = z.infer<typeof mcpPathSchema>;
export type McpState = (typeof MCP_STATES)[number];
export type McpTool = z.infer<typeof mcpToolSchema>;
export type McpResource = z.infer<typeof mcpResourceSchema>;
export type McpPrompt = z.infer<typeof mcpPromptSchema>;
export type McpServer = z.infer<typeof mcpServerSchema>;
export type McpServeSettings = z.infer<typeof mcpServeSettingsSchema>;
export type McpServerInput = z.infer<typeof mcpServerInputSchema>;
export type McpTestResult = z.infer<typeof mcpTestResultSchema>;
