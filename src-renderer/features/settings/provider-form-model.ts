import type { MethodParams, ProviderSettings } from '../../../src-main/core/protocol/index.js';

/** What happens to the stored key on save: nothing, a new one, or none at all. */
export type KeyMode = 'keep' | 'replace' | 'remove';

export interface ProviderFormValues {
  baseUrl: string;
  model: string;
  keyMode: KeyMode;
  apiKey: string;
}

export const ENDPOINT_PRESETS = [
  { name: 'OpenAI', baseUrl: 'https://api.openai.com/v1' },
  { name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1' },
  { name: 'LM Studio', baseUrl: 'http://127.0.0.1:1234/v1' },
] as const;

export function initialValues(provider: ProviderSettings | null): ProviderFormValues {
  return {
    baseUrl: provider?.baseUrl ?? '',
    model: provider?.model ?? '',
    keyMode: provider?.hasApiKey ? 'keep' : 'replace',
    apiKey: '',
  };
}

/** Says what to fix before asking the core, in the words the form uses. */
export function validate(values: ProviderFormValues): string | null {
  const url = values.baseUrl.trim();
  if (!/^https?:\/\/\S+$/i.test(url)) {
    return 'The base URL must start with http:// or https:// — for example http://127.0.0.1:11434/v1.';
  }
  if (values.model.trim() === '') {
    return 'Enter a model name. “Test connection” lists the models the server offers.';
  }
  return null;
}

export function toSaveParams(values: ProviderFormValues): MethodParams<'settings.setProvider'> {
  const params: MethodParams<'settings.setProvider'> = {
    baseUrl: values.baseUrl.trim(),
    model: values.model.trim(),
  };
  if (values.keyMode === 'remove') params.apiKey = null;
  else if (values.keyMode === 'replace' && values.apiKey !== '') params.apiKey = values.apiKey;
  return params;
}

export function toTestParams(values: ProviderFormValues): NonNullable<MethodParams<'provider.test'>> {
  const params: NonNullable<MethodParams<'provider.test'>> = {};
  if (values.baseUrl.trim() !== '') params.baseUrl = values.baseUrl.trim();
  if (values.model.trim() !== '') params.model = values.model.trim();
  if (values.keyMode === 'replace' && values.apiKey !== '') params.apiKey = values.apiKey;
  return params;
}
