import type { EventBus } from '../base/event-bus.js';
import type { Handlers } from '../protocol/router.js';
import type { ProviderRegistry } from './provider-registry.js';

type ProviderMethods =
  | 'settings.get'
  | 'settings.setDefaultModel'
  | 'settings.setOnboardingDone'
  | 'settings.setDesktop'
  | 'providers.save'
  | 'providers.remove'
  | 'providers.models'
  | 'providers.detectLocal';

export function providerHandlers({
  providers,
  bus,
}: {
  providers: ProviderRegistry;
  bus: EventBus;
}): Pick<Handlers, ProviderMethods> {
  const changed = () => {
    const settings = providers.snapshot();
    bus.emit('settings.updated', { settings });
    return settings;
  };
  return {
    'settings.get': () => providers.snapshot(),
    'settings.setDefaultModel': ({ modelRef }) => {
      providers.setDefaultModel(modelRef);
      return changed();
    },
    'settings.setDesktop': (change) => {
      providers.setDesktop(change);
      return changed();
    },
    'settings.setOnboardingDone': ({ done }) => {
      providers.setOnboardingDone(done);
      return changed();
    },
    'providers.save': async (params) => {
      const provider = await providers.save(params);
      changed();
      return provider;
    },
    'providers.remove': async ({ id }) => {
      await providers.remove(id);
      changed();
      return { id };
    },
    'providers.models': async (params) => ({ models: await providers.models(params) }),
    'providers.detectLocal': async () => ({ servers: await providers.detectLocal() }),
  };
}
