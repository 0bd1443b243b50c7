import type { AgentsStatus } from '../core/protocol/entities.js';

export type TrayState = 'idle' | 'working' | 'needs-permission' | 'paused';

/**
 * What the tray icon shows. A pending request wins over everything, pause included: an agent
 * waiting on the owner stays stuck until answered, so that is what the icon must ask for.
 */
export function trayState(status: AgentsStatus): TrayState {
  if (status.pendingPermissions > 0) return 'needs-permission';
  if (status.paused) return 'paused';
  if (status.runningReplies > 0 || status.runningTools > 0) return 'working';
  return 'idle';
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The tooltip: the state in words, for a pointer resting on the icon and for screen readers. */
export function trayTooltip(status: AgentsStatus): string {
  switch (trayState(status)) {
    case 'needs-permission':
      return `Cell 0 — needs your permission (${count(status.pendingPermissions, 'request', 'requests')})`;
    case 'paused':
      return 'Cell 0 — agents paused';
    case 'working': {
      const parts = [
        status.runningReplies > 0 ? count(status.runningReplies, 'reply', 'replies') : null,
        status.runningTools > 0 ? count(status.runningTools, 'tool', 'tools') : null,
      ].filter((part) => part !== null);
      return `Cell 0 — working (${parts.join(', ')})`;
    }
    case 'idle':
      return 'Cell 0 — idle';
  }
}
