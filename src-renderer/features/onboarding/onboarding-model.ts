import type { LocalServer, MethodParams, ProviderKind } from '../../../src-main/core/protocol/index.js';
import type { DraftTestParams, TestState } from '../settings/provider-form-model.js';
import { hostOf, isHttpUrl, LOCAL_PRESETS } from '../settings/provider-kinds.js';

export type Choice = 'openai' | 'anthropic' | 'ollama' | 'lmstudio' | 'custom';

interface ChoiceInfo {
  label: string;
  kind: ProviderKind;
  /** Cloud services need a key and have a fixed endpoint; servers need a URL and maybe a key. */
  needs: 'key' | 'url' | 'url+key';
  baseUrl: string;
  blurb: string;
}

export const CHOICES: Readonly<Record<Choice, ChoiceInfo>> = {
  openai: {
    label: 'OpenAI',
    kind: 'openai',
    needs: 'key',
    baseUrl: 'https://api.openai.com/v1',
    blurb: 'GPT models, with an API key from platform.openai.com.',
  },
  anthropic: {
    label: 'Anthropic',
    kind: 'anthropic',
    needs: 'key',
    baseUrl: 'https://api.anthropic.com/v1',
    blurb: 'Claude models, with an API key from console.anthropic.com.',
  },
  ollama: {
    label: LOCAL_PRESETS.ollama.name,
    kind: 'openai-compatible',
    needs: 'url',
    baseUrl: LOCAL_PRESETS.ollama.baseUrl,
    blurb: 'Open models running on this computer; free and private.',
  },
  lmstudio: {
    label: LOCAL_PRESETS.lmstudio.name,
    kind: 'openai-compatible',
    needs: 'url',
    baseUrl: LOCAL_PRESETS.lmstudio.baseUrl,
    blurb: 'Load a model in LM Studio and start its local server.',
  },
  custom: {
    label: 'Other OpenAI-compatible server',
    kind: 'openai-compatible',
    needs: 'url+key',
    baseUrl: '',
    blurb: 'OpenRouter, vLLM, llama.cpp’s server, Groq and others that speak the same API.',
  },
};

export const CHOICE_ORDER: readonly Choice[] = ['openai', 'anthropic', 'ollama', 'lmstudio', 'custom'];

export interface OnboardingState {
  choice: Choice | null;
  baseUrl: string;
  apiKey: string;
  /** What the provider is called wherever its models are listed; prefilled, the person's once typed. */
  name: string;
  nameEdited: boolean;
  test: TestState;
  model: string;
  finishing: boolean;
  finishError: string | null;
  /** Servers found on this machine; null while still looking. */
  detected: LocalServer[] | null;
}

export type OnboardingAction =
  | { type: 'detected'; servers: LocalServer[] }
  | { type: 'choose'; choice: Choice }
  | { type: 'back' }
  | { type: 'baseUrl'; value: string }
  | { type: 'apiKey'; value: string }
  | { type: 'name'; value: string }
  | { type: 'testStarted' }
  | { type: 'testSucceeded'; models: string[] }
  | { type: 'testFailed'; message: string }
  | { type: 'model'; value: string }
  | { type: 'finishStarted' }
  | { type: 'finishFailed'; message: string };

export const initialOnboarding: OnboardingState = {
  choice: null,
  baseUrl: '',
  apiKey: '',
  name: '',
  nameEdited: false,
  test: { kind: 'idle' },
  model: '',
  finishing: false,
  finishError: null,
  detected: null,
};

export function detectedServer(
  state: Pick<OnboardingState, 'detected'>,
  choice: Choice,
): LocalServer | undefined {
  if (choice !== 'ollama' && choice !== 'lmstudio') return undefined;
  return state.detected?.find((s) => s.preset === choice);
}

/** The name a provider gets unless the person types one: a custom server's host, else the choice's label. */
export function defaultOnboardingName(choice: Choice, baseUrl: string): string {
  return choice === 'custom' ? (hostOf(baseUrl) ?? 'Custom server') : CHOICES[choice].label;
}

export function onboardingReducer(state: OnboardingState, action: OnboardingAction): OnboardingState {
  switch (action.type) {
    case 'detected':
      return { ...state, detected: action.servers };
    case 'choose': {
      const found = detectedServer(state, action.choice);
      const baseUrl = found?.baseUrl ?? CHOICES[action.choice].baseUrl;
      return {
        ...state,
        choice: action.choice,
        baseUrl,
        name: defaultOnboardingName(action.choice, baseUrl),
        nameEdited: false,
        apiKey: '',
        test: { kind: 'idle' },
        model: '',
        finishError: null,
      };
    }
    case 'back':
      return { ...state, choice: null, test: { kind: 'idle' }, model: '', finishError: null };
    // A changed endpoint or key makes the last test say nothing about the new one.
    case 'baseUrl':
      return {
        ...state,
        baseUrl: action.value,
        // The prefilled name follows the address until the person names the server themselves.
        name:
          state.nameEdited || !state.choice ? state.name : defaultOnboardingName(state.choice, action.value),
        test: { kind: 'idle' },
        model: '',
        finishError: null,
      };
    case 'name':
      return { ...state, name: action.value, nameEdited: true, finishError: null };
    case 'apiKey':
      return { ...state, apiKey: action.value, test: { kind: 'idle' }, model: '', finishError: null };
    case 'testStarted':
      return { ...state, test: { kind: 'testing' }, finishError: null };
    case 'testSucceeded':
      return { ...state, test: { kind: 'ok', models: action.models }, model: action.models[0] ?? '' };
    case 'testFailed':
      return { ...state, test: { kind: 'failed', message: action.message }, model: '' };
    case 'model':
      return { ...state, model: action.value, finishError: null };
    case 'finishStarted':
      return { ...state, finishing: true, finishError: null };
    case 'finishFailed':
      return { ...state, finishing: false, finishError: action.message };
  }
}

export function needsKey(choice: Choice): boolean {
  return CHOICES[choice].needs !== 'url';
}

export function needsUrl(choice: Choice): boolean {
  return CHOICES[choice].needs !== 'key';
}

/** Why the test cannot run yet, in words for the person; null when it can. */
export function testBlocker(state: OnboardingState): string | null {
  if (!state.choice) return 'Pick a provider first.';
  if (needsUrl(state.choice) && !isHttpUrl(state.baseUrl)) {
    return 'Enter the server’s address, starting with http:// or https://.';
  }
  if (CHOICES[state.choice].needs === 'key' && state.apiKey.trim() === '') return 'Paste your API key.';
  return null;
}

export function toDraftParams(state: OnboardingState): MethodParams<'providers.models'> {
  const choice = state.choice ?? 'custom';
  const params: DraftTestParams = { kind: CHOICES[choice].kind };
  if (needsUrl(choice)) params.baseUrl = state.baseUrl.trim();
  if (needsKey(choice) && state.apiKey.trim() !== '') params.apiKey = state.apiKey.trim();
  return params;
}

export function canFinish(state: OnboardingState): boolean {
  return state.test.kind === 'ok' && state.model.trim() !== '' && !state.finishing;
}

export function toFinishParams(state: OnboardingState): MethodParams<'providers.save'> {
  const choice = state.choice ?? 'custom';
  const info = CHOICES[choice];
  const params: MethodParams<'providers.save'> = {
    kind: info.kind,
    name: state.name.trim() || defaultOnboardingName(choice, state.baseUrl),
    defaultModel: state.model.trim(),
    makeDefault: true,
  };
  // Cloud services keep the kind's default endpoint, so it can move without breaking this setup.
  if (needsUrl(choice)) params.baseUrl = state.baseUrl.trim();
  if (needsKey(choice) && state.apiKey.trim() !== '') params.apiKey = state.apiKey.trim();
  return params;
}

/**
 * First run: the stored flag says not done and nothing is configured. Setup opened again from
 * Settings shows regardless; closing it in this window hides it while the flag is being saved.
 */
export function shouldShowOnboarding(input: {
  loaded: boolean;
  onboardingDone: boolean;
  providerCount: number;
  requested: boolean;
  dismissed: boolean;
}): boolean {
  if (input.requested) return true;
  return input.loaded && !input.onboardingDone && input.providerCount === 0 && !input.dismissed;
}
