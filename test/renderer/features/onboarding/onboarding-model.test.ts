import { describe, expect, it } from 'vitest';
import {
  canFinish,
  initialOnboarding,
  onboardingReducer,
  shouldShowOnboarding,
  testBlocker,
  toDraftParams,
  toFinishParams,
  type OnboardingAction,
  type OnboardingState,
} from '../../../../src-renderer/features/onboarding/onboarding-model.js';

function run(...actions: OnboardingAction[]): OnboardingState {
  return actions.reduce(onboardingReducer, initialOnboarding);
}

const ollama = {
  preset: 'ollama' as const,
  name: 'Ollama',
  baseUrl: 'http://localhost:11434/v1',
  models: ['a'],
};

describe('onboarding', () => {
  it('prefills the local presets and prefers the address a running server was found at', () => {
    expect(run({ type: 'choose', choice: 'lmstudio' }).baseUrl).toBe('http://127.0.0.1:1234/v1');
    expect(run({ type: 'choose', choice: 'ollama' }).baseUrl).toBe('http://127.0.0.1:11434/v1');
    const found = run({ type: 'detected', servers: [ollama] }, { type: 'choose', choice: 'ollama' });
    expect(found.baseUrl).toBe('http://localhost:11434/v1');
  });

  it('needs a key for cloud services and an address for servers before testing', () => {
    expect(testBlocker(run({ type: 'choose', choice: 'openai' }))).toMatch(/API key/);
    expect(
      testBlocker(run({ type: 'choose', choice: 'openai' }, { type: 'apiKey', value: 'sk' })),
    ).toBeNull();
    expect(testBlocker(run({ type: 'choose', choice: 'custom' }))).toMatch(/address/);
    expect(
      testBlocker(run({ type: 'choose', choice: 'custom' }, { type: 'baseUrl', value: 'http://h/v1' })),
    ).toBeNull();
    expect(testBlocker(run({ type: 'choose', choice: 'ollama' }))).toBeNull();
  });

  it('tests drafts with only what the choice uses', () => {
    const cloud = run({ type: 'choose', choice: 'anthropic' }, { type: 'apiKey', value: ' sk-ant ' });
    expect(toDraftParams(cloud)).toEqual({ kind: 'anthropic', apiKey: 'sk-ant' });
    const local = run({ type: 'choose', choice: 'ollama' });
    expect(toDraftParams(local)).toEqual({ kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' });
  });

  it('picks the first listed model, and a changed key or address asks for a new test', () => {
    let s = run(
      { type: 'choose', choice: 'openai' },
      { type: 'apiKey', value: 'sk' },
      { type: 'testStarted' },
      { type: 'testSucceeded', models: ['gpt-4o-mini', 'gpt-4o'] },
    );
    expect(s.model).toBe('gpt-4o-mini');
    expect(canFinish(s)).toBe(true);
    s = onboardingReducer(s, { type: 'apiKey', value: 'sk2' });
    expect(s.test).toEqual({ kind: 'idle' });
    expect(canFinish(s)).toBe(false);
  });

  it('shows a failed test and does not allow finishing', () => {
    const s = run(
      { type: 'choose', choice: 'ollama' },
      { type: 'testStarted' },
      { type: 'testFailed', message: 'Nothing answers at that address.' },
    );
    expect(s.test).toEqual({ kind: 'failed', message: 'Nothing answers at that address.' });
    expect(canFinish(s)).toBe(false);
  });

  it('saves cloud providers without a URL and local ones with their name and address, as the default', () => {
    const cloud = run(
      { type: 'choose', choice: 'openai' },
      { type: 'apiKey', value: 'sk' },
      { type: 'testSucceeded', models: ['gpt-4o'] },
    );
    expect(toFinishParams(cloud)).toEqual({
      kind: 'openai',
      name: 'OpenAI',
      apiKey: 'sk',
      defaultModel: 'gpt-4o',
      makeDefault: true,
    });
    const lm = run({ type: 'choose', choice: 'lmstudio' }, { type: 'testSucceeded', models: ['qwen'] });
    expect(toFinishParams(lm)).toEqual({
      kind: 'openai-compatible',
      name: 'LM Studio',
      baseUrl: 'http://127.0.0.1:1234/v1',
      defaultModel: 'qwen',
      makeDefault: true,
    });
    const custom = run(
      { type: 'choose', choice: 'custom' },
      { type: 'baseUrl', value: 'https://openrouter.ai/api/v1' },
      { type: 'testSucceeded', models: ['x/y'] },
    );
    expect(toFinishParams(custom)).toMatchObject({
      name: 'openrouter.ai',
      baseUrl: 'https://openrouter.ai/api/v1',
    });
  });

  it('prefills the provider name from the address until the person types one, and saves that name', () => {
    const prefilled = run(
      { type: 'choose', choice: 'custom' },
      { type: 'baseUrl', value: 'http://gpu.lan:8000/v1' },
    );
    expect(prefilled.name).toBe('gpu.lan:8000');
    const named = run(
      { type: 'choose', choice: 'custom' },
      { type: 'baseUrl', value: 'http://gpu.lan:8000/v1' },
      { type: 'name', value: 'Lab GPU' },
      { type: 'baseUrl', value: 'http://gpu2.lan:8000/v1' },
      { type: 'testSucceeded', models: ['qwen'] },
    );
    expect(named.name).toBe('Lab GPU');
    expect(toFinishParams(named)).toMatchObject({ name: 'Lab GPU', baseUrl: 'http://gpu2.lan:8000/v1' });
    expect(run({ type: 'choose', choice: 'ollama' }).name).toBe('Ollama');
    // An emptied name falls back to the prefilled one rather than saving a provider called "".
    const emptied = run(
      { type: 'choose', choice: 'custom' },
      { type: 'baseUrl', value: 'http://gpu.lan:8000/v1' },
      { type: 'name', value: '  ' },
      { type: 'testSucceeded', models: ['qwen'] },
    );
    expect(toFinishParams(emptied)).toMatchObject({ name: 'gpu.lan:8000' });
  });

  it('opens on first run only while nothing is configured, or when asked again', () => {
    const base = {
      loaded: true,
      onboardingDone: false,
      providerCount: 0,
      requested: false,
      dismissed: false,
    };
    expect(shouldShowOnboarding(base)).toBe(true);
    expect(shouldShowOnboarding({ ...base, loaded: false })).toBe(false);
    expect(shouldShowOnboarding({ ...base, providerCount: 1 })).toBe(false);
    expect(shouldShowOnboarding({ ...base, onboardingDone: true })).toBe(false);
    expect(shouldShowOnboarding({ ...base, dismissed: true })).toBe(false);
    expect(shouldShowOnboarding({ ...base, onboardingDone: true, providerCount: 2, requested: true })).toBe(
      true,
    );
  });
});
