import { beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_DESKTOP_SETTINGS,
  type Provider,
  type SettingsSnapshot,
} from '../../../src-main/core/protocol/index.js';
import { useSettings } from '../../../src-renderer/stores/settings.js';

function provider(id: string, patch: Partial<Provider> = {}): Provider {
  return {
    id,
    kind: 'openai',
    name: id,
    baseUrl: 'https://api.openai.com/v1',
    hasApiKey: true,
    defaultModel: 'm',
    local: false,
    ...patch,
  };
}

const snapshot = (providers: Provider[]): SettingsSnapshot => ({
  providers,
  defaultModel: { providerId: 'a', model: 'm' },
  onboardingDone: true,
  desktop: DEFAULT_DESKTOP_SETTINGS,
});

const store = () => useSettings.getState();

beforeEach(() => {
  useSettings.setState({ snapshot: null, loaded: false, models: {} });
});

describe('settings store', () => {
  it('forgets a provider’s model list when its key or address changes', () => {
    store().setSnapshot(snapshot([provider('a'), provider('b')]));
    store().setModelList('a', { status: 'ready', models: [] });
    store().setModelList('b', { status: 'ready', models: [] });
    store().upsertProvider(provider('b', { hasApiKey: false }));
    expect(store().models['a']).toBeDefined();
    expect(store().models['b']).toBeUndefined();
  });

  it('adds a saved provider before settings.updated arrives', () => {
    store().setSnapshot(snapshot([provider('a')]));
    store().upsertProvider(provider('c'));
    expect(store().snapshot?.providers.map((p) => p.id)).toEqual(['a', 'c']);
  });

  it('drops the default model with the provider that served it', () => {
    store().setSnapshot(snapshot([provider('a'), provider('b')]));
    store().setModelList('a', { status: 'loading' });
    store().removeProvider('a');
    expect(store().snapshot?.defaultModel).toBeNull();
    expect(store().models['a']).toBeUndefined();
  });
});
