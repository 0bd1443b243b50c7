import type { ProviderKind } from '../../../src-main/core/protocol/index.js';

/** The public endpoints the core uses when a cloud provider is saved without a base URL. */
export const DEFAULT_BASE_URLS: Readonly<Record<ProviderKind, string | null>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  'openai-compatible': null,
};

export const KIND_LABELS: Readonly<Record<ProviderKind, string>> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  'openai-compatible': 'OpenAI-compatible',
};

/** The protocol's kinds in menu order; the Record above makes sure none is missing. */
export const PROVIDER_KIND_OPTIONS = Object.keys(KIND_LABELS) as ProviderKind[];

export const LOCAL_PRESETS = {
  ollama: { name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1' },
  lmstudio: { name: 'LM Studio', baseUrl: 'http://127.0.0.1:1234/v1' },
} as const;

export function isHttpUrl(url: string): boolean {
  return /^https?:\/\/\S+$/i.test(url.trim());
}

/** A name for a custom server when the owner gives none: its host, which is what they will recognise. */
export function hostOf(url: string): string | null {
  try {
    return new URL(url.trim()).host || null;
  } catch {
    return null;
  }
}

export function defaultProviderName(kind: ProviderKind, baseUrl: string): string {
  if (kind !== 'openai-compatible') return KIND_LABELS[kind];
  for (const preset of Object.values(LOCAL_PRESETS)) {
    if (baseUrl.trim().replace(/\/+$/, '') === preset.baseUrl) return preset.name;
  }
  return hostOf(baseUrl) ?? 'Custom server';
}
