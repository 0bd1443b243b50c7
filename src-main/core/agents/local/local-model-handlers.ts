import type { Handlers } from '../../protocol/router.js';
import type { LocalModels } from './local-models.js';

type LocalModelMethods =
  | 'localModels.catalog'
  | 'localModels.list'
  | 'localModels.pull'
  | 'localModels.pause'
  | 'localModels.remove';

export function localModelHandlers({
  localModels,
}: {
  localModels: LocalModels;
}): Pick<Handlers, LocalModelMethods> {
  return {
    'localModels.catalog': async () => ({
      entries: [...localModels.catalog.entries],
      machine: await localModels.machine(),
    }),
    'localModels.list': async () => ({ models: await localModels.list() }),
    'localModels.pull': (params) => localModels.pull(params),
    'localModels.pause': ({ name }) => localModels.pause(name),
    'localModels.remove': async ({ name }) => {
      await localModels.remove(name);
      return { name };
    },
  };
}
