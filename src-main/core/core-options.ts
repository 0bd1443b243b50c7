import type { ToolSet } from 'ai';
import type { Budget } from './agents/chat-service.js';
import type { LocalModelsOptions } from './agents/local/local-models.js';
import type { Clock } from './base/clock.js';
import type { DesktopProbe } from './checkpoints/checkpoint.js';
import type { Backoff } from './gateway/channels/account-supervisor.js';
import type { ChannelAdapter } from './gateway/channels/adapter.js';
import type { MemoryServiceTiming } from './memory/memory-service.js';
import type { MeshTiming } from './mesh/mesh-timing.js';
import type { OwnerPresence } from './mesh/pairing.js';
import type { ChannelKind } from './protocol/channel-entities.js';
import type { SwarmBudget } from './protocol/swarm-entities.js';
import type { Logger } from './base/logger.js';

export interface CoreOptions {
  dataDir: string;
  mode: 'desktop' | 'serve';
  /** Keychain service name; tests use their own so they never touch the owner's secrets. */
  keychainService?: string;
  logger?: Logger;
  /** How often a streaming reply is saved (ms). */
  flushIntervalMs?: number;
  /** Where to look for local model servers; tests point these at fakes. */
  localServers?: { ollama?: string; lmstudio?: string };
  /** Waits between retries after a rate limit (ms, before jitter); tests shorten them. */
  retryBaseMs?: number;
  /** Tools offered to models without the kernel: their calls only surface as events (tests). */
  tools?: ToolSet;
  /** What one reply may spend (steps, tokens, tool calls, wall time). */
  budget?: Partial<Budget>;
  /** Where bubblewrap is; tests point it nowhere to check that the kernel fails closed. */
  bwrapPath?: string;
  /** Memory daemon timing (tests run it faster or by hand). */
  memory?: MemoryServiceTiming;
  /** Default swarm budget (tests shrink it). */
  swarmBudget?: Partial<SwarmBudget>;
  /** Chat platform adapters instead of the real ones (tests: WhatsApp at Baileys' socket boundary). */
  channelAdapters?: Partial<Record<ChannelKind, ChannelAdapter>>;
  /** Reconnect and resend waits of the channels (tests shorten them). */
  channelBackoff?: Backoff;
  /** The mesh: how the owner confirms pairings (Touch ID on the desktop), where tests listen, timing. */
  mesh?: { presence?: OwnerPresence; listen?: string[]; timing?: Partial<MeshTiming> };
  /** Listen on the control socket for the `cell0` command (default true). */
  controlSocket?: boolean;
  /** MCP servers: how long a handshake may take, and the login shell's PATH (tests give their own). */
  mcp?: { startTimeoutMs?: number; loginPath?: () => Promise<string | null> };
  /**
   * Models on this computer: a catalog file in place of the built-in one (default
   * CELL0_MODEL_CATALOG), the runtime's GPU use (CELL0_LOCAL_GPU=0 keeps to the CPU), its CPU
   * threads (CELL0_LOCAL_THREADS), idle time and context cap; tests shrink them.
   */
  localModels?: Pick<LocalModelsOptions, 'catalogFile' | 'runtime' | 'progressEveryMs' | 'maxModelBytes'>;
  /** Webhooks and scheduled jobs: the clock they wait on (tests move one by hand), the timestamp tolerance. */
  automations?: { clock?: Clock; toleranceMs?: number; schedule?: boolean };
  /** What the desktop app tells the checkpoints about its windows and fuses (null elsewhere). */
  desktopProbe?: DesktopProbe;
}

/**
 * The services started after the core is ready, in this order (each may rely on those before it),
 * with what the status bar calls them. Their code is in background.ts, imported when they start.
 */
export const BACKGROUND = [
  // First: the providers and memory's embedder may name a model on this computer.
  ['local-models', 'models on this computer'],
  ['identity', 'identity'],
  ['audit', 'audit log'],
  ['permissions', 'permissions'],
  ['kernel', 'sandbox'],
  ['memory', 'memory'],
  ['chat', 'chat'],
  ['swarms', 'swarms'],
  ['agents-monitor', 'agents'],
  // Channels hand messages to chat; each account connects in the background.
  ['channels', 'channels'],
  // After what it serves; its node itself starts in the background of this start.
  ['mesh', 'mesh'],
  // Its servers connect after it returns, each with its own status: none delays the core.
  ['mcp', 'MCP servers'],
  ['devices', 'paired devices'],
  // Last: its runs are chat replies, and a missed run made up at start needs everything above.
  ['automations', 'automations'],
] as const;

export type BackgroundName = (typeof BACKGROUND)[number][0];
