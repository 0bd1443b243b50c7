import type { Handlers } from '../../protocol/router.js';
import type { Labs } from './labs.js';

type LabHandlers = Pick<Handlers, 'labs.list' | 'labs.report' | 'labs.apply' | 'labs.discard'>;

export function labHandlers({ labs }: { labs: Labs }): LabHandlers {
  return {
    'labs.list': async (params) => {
      const all = await labs.list();
      const conversationId = params?.conversationId;
      return { labs: conversationId ? all.filter((l) => l.conversationId === conversationId) : all };
    },
    'labs.report': ({ id }) => labs.report(id),
    'labs.apply': ({ id, paths }) => labs.apply(id, paths ?? null),
    'labs.discard': async ({ id }) => ({ lab: await labs.discard(id) }),
  };
}
