import { describe, expect, it } from 'vitest';
import { DEFAULT_DESKTOP_SETTINGS, type Provider } from '../../../src-main/core/protocol/index.js';
import {
  buildModelOptions,
  canChat,
  describeModelRef,
  modelRefKey,
  parseModelRefKey,
  staleModelLists,
} from '../../../src-renderer/lib/model-ref.js';

function provider(id: string, patch: Partial<Provider> = {}): Provider {
  return {
    id,
    kind: 'openai-compatible',
    name: id.toUpperCase(),
    baseUrl: `http://${id}/v1`,
    hasApiKey: false,
    defaultModel: null,
    local: false,
    ...patch,
  };
}

describe('model refs', () => {
  it('round-trips a select value, keeping slashes in model names', () => {
    const ref = { providerId: 'or', model: 'meta-llama/llama-3.1-8b' };
    expect(modelRefKey(ref)).toBe('or/meta-llama/llama-3.1-8b');
    expect(parseModelRefKey(modelRefKey(ref))).toEqual(ref);
    expect(parseModelRefKey('default')).toBeNull();
  });

  it('can chat once a configured provider would answer', () => {
    const settings = {
      providers: [provider('a')],
      defaultModel: null,
      onboardingDone: true,
      desktop: DEFAULT_DESKTOP_SETTINGS,
    };
    expect(canChat(settings, undefined)).toBe(false);
    expect(canChat(settings, { modelRef: { providerId: 'a', model: 'm' } })).toBe(true);
    expect(canChat(settings, { modelRef: { providerId: 'gone', model: 'm' } })).toBe(false);
    expect(canChat({ ...settings, defaultModel: { providerId: 'a', model: 'm' } }, { modelRef: null })).toBe(
      true,
    );
  });

  it('lists known models before their list arrives, then the fetched ones, without twins', () => {
    const providers = [provider('a', { defaultModel: 'm1' }), provider('b')];
    const before = buildModelOptions(providers, {}, [{ providerId: 'b', model: 'x' }]);
    expect(before.map((g) => g.options.map((o) => o.key))).toEqual([['a/m1'], ['b/x']]);
    expect(before[0]?.note).toMatch(/loading/);
    const after = buildModelOptions(
      providers,
      {
        a: {
          status: 'ready',
          models: [
            { id: 'm1', pricing: null },
            { id: 'm2', pricing: null },
          ],
        },
        b: { status: 'error', message: 'no' },
      },
      [],
    );
    expect(after[0]?.options.map((o) => o.model)).toEqual(['m1', 'm2']);
    expect(after[0]?.note).toBeNull();
    expect(after[1]?.note).toMatch(/unavailable/);
  });

  it('drops the model lists of providers that were removed or now point elsewhere', () => {
    const before = [provider('a'), provider('b'), provider('c')];
    const after = [provider('a'), provider('b', { baseUrl: 'http://new/v1' })];
    expect(staleModelLists(before, after)).toEqual(['b', 'c']);
  });

  it('names the provider beside the model, so two providers offering one model are told apart', () => {
    const providers = [
      provider('a', { name: 'Work', defaultModel: 'm' }),
      provider('b', { name: 'Home', defaultModel: 'm' }),
    ];
    const groups = buildModelOptions(providers, {}, []);
    expect(groups.flatMap((g) => g.options.map((o) => o.label))).toEqual(['m · Work', 'm · Home']);
    expect(describeModelRef({ providerId: 'b', model: 'm' }, providers)).toBe('m · Home');
    expect(describeModelRef({ providerId: 'gone', model: 'm' }, providers)).toBe('m (provider removed)');
  });
});
