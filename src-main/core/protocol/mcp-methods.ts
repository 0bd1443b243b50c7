import { z } from 'zod';
import {
  mcpPathSchema,
  mcpServeSettingsSchema,
  mcpServerInputSchema,
  mcpServerSchema,
  mcpTestResultSchema,
} from './mcp-entities.js';
import { lazySchema } from './lazy-schema.js';

const id = lazySchema(() => z.string().min(1).max(64));

/** Settings → MCP servers: the servers whose tools agents may call, and Cell 0 as a server. */
export const mcpMethods = {
  'mcp.list': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() => z.object({ servers: z.array(mcpServerSchema), serve: mcpServeSettingsSchema })),
  },
  /** Adds a server (its secrets to the keychain) and, when enabled, starts it in the background. */
  'mcp.add': {
    params: mcpServerInputSchema,
    result: lazySchema(() => z.object({ server: mcpServerSchema })),
  },
  /** Adds every server of a pasted `{"mcpServers": {…}}` block, as other apps export it. */
  'mcp.import': {
    params: lazySchema(() => z.object({ json: z.string().min(1).max(200_000) })),
    result: lazySchema(() =>
      z.object({
        servers: z.array(mcpServerSchema),
        skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
      }),
    ),
  },
  /** Starts a server that is not saved, lists its tools and stops it. */
  'mcp.test': {
    params: lazySchema(() => mcpServerInputSchema.omit({ enabled: true })),
    result: mcpTestResultSchema,
  },
  /** Switches a server or some of its tools on or off, or changes what a confined one may see. */
  'mcp.update': {
    params: lazySchema(() =>
      z.object({
        id,
        enabled: z.boolean().optional(),
        disabledTools: z.array(z.string().max(256)).max(1000).optional(),
        paths: z.array(mcpPathSchema).max(50).optional(),
        network: z.boolean().optional(),
        confinement: z.enum(['sandbox', 'unconfined']).optional(),
      }),
    ),
    result: lazySchema(() => z.object({ server: mcpServerSchema })),
  },
  'mcp.restart': {
    params: lazySchema(() => z.object({ id })),
    result: lazySchema(() => z.object({ server: mcpServerSchema })),
  },
  /** Stops the server and forgets it (its secrets leave the keychain). */
  'mcp.remove': {
    params: lazySchema(() => z.object({ id })),
    result: lazySchema(() => z.object({ removed: z.boolean() })),
  },
  /** Whether `cell0 mcp serve` may answer other MCP clients. */
  'mcp.setServe': {
    params: mcpServeSettingsSchema,
    result: mcpServeSettingsSchema,
  },
} as const;

export const mcpEvents = {
  /** A server was added, changed state, or its tools changed. */
  'mcp.updated': lazySchema(() => z.object({ server: mcpServerSchema })),
  'mcp.removed': lazySchema(() => z.object({ id: z.string() })),
  'mcp.serve': mcpServeSettingsSchema,
  /** A running tool said how far it has come (MCP progress notifications), for its card. */
  'tool.progress': lazySchema(() =>
    z.object({
      conversationId: z.string(),
      toolCallId: z.string(),
      progress: z.number(),
      total: z.number().nullable(),
      /** The server's words, control characters made visible. */
      message: z.string().nullable(),
    }),
  ),
} as const;
