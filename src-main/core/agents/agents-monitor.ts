import type { EventBus } from '../base/event-bus.js';
import type { Kernel } from '../kernel/kernel.js';
import type { PermissionEngine } from '../kernel/permissions/permission-engine.js';
import type { AgentsStatus } from '../protocol/entities.js';
import type { PauseGate } from '../base/pause-gate.js';

const WATCHED = new Set([
  'message.created',
  'message.updated',
  'tool.updated',
  'permission.requested',
  'permission.resolved',
  'swarm.updated',
  'swarm.event',
]);

/**
 * One summary of what the agents are doing, pushed as `agents.status` whenever it changes: the
 * tray's icon and menu and the status bar read it instead of adding up events themselves.
 */
export class AgentsMonitor {
  private last = '';
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly deps: {
      bus: EventBus;
      /** Agents at work now: streaming chat replies and active swarm agents (given by the composition root). */
      runningAgents: () => number;
      kernel: Kernel;
      permissions: PermissionEngine;
      gate: PauseGate;
    },
  ) {}

  status(): AgentsStatus {
    return {
      paused: this.deps.gate.paused,
      runningReplies: this.deps.runningAgents(),
      runningTools: this.deps.kernel.runningCount(),
      pendingPermissions: this.deps.permissions.pending().length,
    };
  }

  /** Emits the status if it differs from the last one sent. */
  publish(): AgentsStatus {
    const status = this.status();
    const key = JSON.stringify(status);
    if (key !== this.last) {
      this.last = key;
      this.deps.bus.emit('agents.status', { status });
    }
    return status;
  }

  async start(): Promise<void> {
    // Deferred a tick: the counts change right after the event that announces them.
    this.unsubscribe = this.deps.bus.subscribe((frame) => {
      if (WATCHED.has(frame.event)) queueMicrotask(() => setImmediate(() => this.publish()));
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }
}
