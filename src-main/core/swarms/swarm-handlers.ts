import type { Handlers } from '../protocol/router.js';
import type { SwarmService } from './swarm-service.js';

type SwarmHandlers = Pick<
  Handlers,
  | 'swarm.start'
  | 'swarm.list'
  | 'swarm.get'
  | 'swarm.events'
  | 'swarm.stop'
  | 'swarm.stopAgent'
  | 'swarm.pause'
  | 'swarm.resume'
  | 'swarm.proposals'
  | 'swarm.respond'
  | 'settings.getSwarmBudget'
  | 'settings.setSwarmBudget'
>;

export function swarmHandlers({ swarms }: { swarms: SwarmService }): SwarmHandlers {
  return {
    'swarm.start': (p) => swarms.startFromChat(p),
    'swarm.list': async (p) => ({ runs: await swarms.list(p?.conversationId, p?.limit) }),
    'swarm.get': ({ runId }) => swarms.get(runId),
    'swarm.events': ({ runId, afterSeq, limit }) => swarms.events(runId, afterSeq, limit),
    'swarm.stop': async ({ runId }) => ({ stopped: await swarms.stopRun(runId) }),
    'swarm.stopAgent': async ({ runId, agentId }) => ({ stopped: await swarms.stopAgent(runId, agentId) }),
    'swarm.pause': ({ runId }) => ({ run: swarms.pause(runId) }),
    'swarm.resume': ({ runId }) => ({ run: swarms.resume(runId) }),
    'swarm.proposals': (p) => ({ proposals: swarms.pendingProposals(p?.conversationId) }),
    'swarm.respond': async ({ proposalId, accept }) => ({ run: await swarms.respond(proposalId, accept) }),
    'settings.getSwarmBudget': () => swarms.defaultBudget(),
    'settings.setSwarmBudget': (budget) => swarms.setDefaultBudget(budget),
  };
}
