import type { Handlers } from '../../protocol/router.js';
import type { AutomationService } from './automation-service.js';

type AutomationHandlers = Pick<
  Handlers,
  | 'automations.list'
  | 'automations.runs'
  | 'hooks.add'
  | 'hooks.update'
  | 'hooks.remove'
  | 'jobs.add'
  | 'jobs.update'
  | 'jobs.remove'
  | 'jobs.run'
  | 'jobs.preview'
  | 'gateway.settings'
  | 'gateway.setSettings'
>;

export function automationHandlers({ automations }: { automations: AutomationService }): AutomationHandlers {
  return {
    'automations.list': () => automations.list(),
    'automations.runs': async ({ automationId, limit }) => ({
      runs: await automations.runs(automationId, limit),
    }),
    'hooks.add': (p) => automations.addHook(p),
    'hooks.update': (p) => automations.updateHook(p),
    'hooks.remove': async ({ id }) => {
      await automations.removeHook(id);
      return { ok: true as const };
    },
    'jobs.add': (p) => automations.addJob(p),
    'jobs.update': (p) => automations.updateJob(p),
    'jobs.remove': async ({ id }) => {
      await automations.removeJob(id);
      return { ok: true as const };
    },
    'jobs.run': ({ id }) => automations.runJob(id),
    'jobs.preview': ({ trigger }) => ({ nextRuns: automations.preview(trigger) }),
    'gateway.settings': () => automations.gatewaySettings(),
    'gateway.setSettings': (p) => automations.setGatewaySettings(p),
  };
}
