import type {
  MethodParams,
  ModelRef,
  Provider,
  ProviderKind,
} from '../../../src-main/core/protocol/index.js';
import { DEFAULT_BASE_URLS, defaultProviderName, isHttpUrl } from './provider-kinds.js';

/** "Test connection" as the form shows it. */
export type TestState =
  | { kind: 'idle' }
  | { kind: 'testing' }
  | { kind: 'ok'; models: string[] }
  | { kind: 'failed'; message: string };

/** What happens to the stored key on save: nothing, a new one, or none at all. */
export type KeyMode = 'keep' | 'replace' | 'remove';

export interface ProviderFormValues {
  kind: ProviderKind;
  name: string;
  baseUrl: string;
  defaultModel: string;
  keyMode: KeyMode;
  apiKey: string;
  makeDefault: boolean;
}

/** True when the app's default model is this provider's own default model. */
export function isAppDefault(provider: Provider | null, appDefault: ModelRef | null): boolean {
  return (
    !!provider?.defaultModel &&
    appDefault?.providerId === provider.id &&
    appDefault.model === provider.defaultModel
  );
}

/**
 * The saved provider's model is the app's default and the model field still names it: the box is
 * checked and cannot be unchecked here (the core has no "no default"; another default is chosen
 * in Default model).
 */
export function defaultLocked(
  values: ProviderFormValues,
  saved: Provider | null,
  appDefault: ModelRef | null,
): boolean {
  return isAppDefault(saved, appDefault) && values.defaultModel.trim() === saved?.defaultModel;
}

export function initialValues(
  provider: Provider | null,
  appDefault: ModelRef | null = null,
): ProviderFormValues {
  // The local provider (models on this computer) is never edited in this form.
  const kind = provider && provider.kind !== 'local' ? provider.kind : 'openai-compatible';
  return {
    kind,
    name: provider?.name ?? '',
    baseUrl: provider?.baseUrl ?? '',
    defaultModel: provider?.defaultModel ?? '',
    keyMode: provider?.hasApiKey ? 'keep' : 'replace',
    apiKey: '',
    // A first provider should simply work; later ones do not take over unless asked; an edited one
    // shows whether it is the default now.
    makeDefault: provider ? isAppDefault(provider, appDefault) : !appDefault,
  };
}

/** Switching kind swaps a default URL for the new kind's default, but never overwrites one typed in. */
export function changeKind(values: ProviderFormValues, kind: ProviderKind): ProviderFormValues {
  const wasDefault =
    values.baseUrl.trim() === '' || Object.values(DEFAULT_BASE_URLS).includes(values.baseUrl.trim());
  return { ...values, kind, baseUrl: wasDefault ? (DEFAULT_BASE_URLS[kind] ?? '') : values.baseUrl };
}

/** Says what to fix before asking the core, in the words the form uses. */
export function validate(values: ProviderFormValues): string | null {
  const url = values.baseUrl.trim();
  if (values.kind === 'openai-compatible' && url === '') {
    return 'Enter the server’s base URL — for example http://127.0.0.1:11434/v1 for Ollama.';
  }
  if (url !== '' && !isHttpUrl(url)) {
    return 'The base URL must start with http:// or https:// — for example http://127.0.0.1:11434/v1.';
  }
  if (values.makeDefault && values.defaultModel.trim() === '') {
    return 'Choose a default model to use it as the app’s default. “Test connection” lists them.';
  }
  return null;
}

export function toSaveParams(values: ProviderFormValues, id?: string): MethodParams<'providers.save'> {
  const baseUrl = values.baseUrl.trim();
  const model = values.defaultModel.trim();
  const params: MethodParams<'providers.save'> = {
    kind: values.kind,
    name: values.name.trim() || defaultProviderName(values.kind, baseUrl),
  };
  if (id) params.id = id;
  if (baseUrl !== '') params.baseUrl = baseUrl;
  if (model !== '') params.defaultModel = model;
  else if (id) params.defaultModel = null;
  if (values.keyMode === 'remove') params.apiKey = null;
  else if (values.keyMode === 'replace' && values.apiKey !== '') params.apiKey = values.apiKey;
  if (values.makeDefault && model !== '') params.makeDefault = true;
  return params;
}

/** The draft form of providers.models: a provider not saved yet, or edited since. */
export interface DraftTestParams {
  kind: ProviderKind;
  baseUrl?: string;
  apiKey?: string;
}

/**
 * A saved provider whose endpoint and key are unchanged is tested by id, so its stored key is
 * used; anything edited is tested as a draft (which cannot use the stored key).
 */
export function toTestParams(
  values: ProviderFormValues,
  saved: Provider | null,
): MethodParams<'providers.models'> {
  const baseUrl = values.baseUrl.trim();
  const endpointUnchanged = saved && saved.kind === values.kind && saved.baseUrl === baseUrl;
  if (saved && endpointUnchanged && values.keyMode === 'keep') return { id: saved.id };
  const draft: DraftTestParams = { kind: values.kind };
  if (baseUrl !== '') draft.baseUrl = baseUrl;
  if (values.keyMode === 'replace' && values.apiKey !== '') draft.apiKey = values.apiKey;
  return draft;
}

/** True when a draft test will go without the stored key, which the person may not expect. */
export function testSkipsStoredKey(values: ProviderFormValues, saved: Provider | null): boolean {
  return !!saved?.hasApiKey && values.keyMode === 'keep' && !('id' in toTestParams(values, saved));
}
