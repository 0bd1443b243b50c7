import type { PauseGate } from '../base/pause-gate.js';
import type { Handlers } from '../protocol/router.js';
import type { AgentsMonitor } from './agents-monitor.js';

type AgentsMethods = 'agents.stopAll' | 'agents.status' | 'agents.pause' | 'agents.resume';

/** "Stop all agents" reaches every kind of running agent through one function the composition root gives. */
export function agentsHandlers({
  gate,
  monitor,
  stopAll,
}: {
  gate: PauseGate;
  monitor: AgentsMonitor;
  stopAll: () => Promise<{ stoppedReplies: number; killedTools: number }>;
}): Pick<Handlers, AgentsMethods> {
  return {
    'agents.status': () => monitor.status(),
    'agents.pause': () => {
      gate.pause();
      return monitor.publish();
    },
    'agents.resume': () => {
      gate.resume();
      return monitor.publish();
    },
    'agents.stopAll': () => stopAll(),
  };
}
