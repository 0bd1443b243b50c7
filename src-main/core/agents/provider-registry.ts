import type { LanguageModel } from 'ai';
import type { Keychain } from '../identity/keychain.js';
import {
  LOCAL_PROVIDER_ID,
  type DesktopSettings,
  type ModelInfo,
  type ModelRef,
  type Provider,
  type ProviderKind,
  type SettingsSnapshot,
} from '../protocol/entities.js';
import { Cell0Error } from '../protocol/errors.js';
import type { MethodParams } from '../protocol/methods.js';
import type { ProviderConfig, SettingsStore } from '../settings/settings-store.js';
import { detectLocalServers, type LocalServerUrls } from './local-servers.js';
import { listModels } from './model-listing.js';
import { KIND_DEFAULTS, isLoopback, trimBaseUrl, type ProviderEndpoint } from './provider-kinds.js';

export interface ResolvedModel {
  provider: { id: string; name: string };
  /** Where a provider's API is; null for a model on this computer. */
  endpoint: ProviderEndpoint | null;
  model: string;
  /** Free to call: a server or a model on this machine. */
  local: boolean;
  /** The AI SDK model the turn calls. */
  languageModel(): LanguageModel;
  /** Why this model gets no tools (its chat template has no function calling); null when it does. */
  toolsOff: string | null;
}

/** The models on this computer, as the registry lists and resolves them (agents/local/local-models.ts). */
export interface LocalChatModels {
  readyModels(kind: 'chat'): { name: string; label: string; supportsTools: boolean }[];
  languageModel(name: string, supportsTools: boolean): LanguageModel;
}

export const LOCAL_PROVIDER_NAME = 'This computer';

const MODEL_CACHE_MS = 5 * 60_000;

export function keyAccount(providerId: string): string {
  return `provider:${providerId}:api-key`;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'provider'
  );
}

function toProvider(config: ProviderConfig): Provider {
  return {
    id: config.id,
    kind: config.kind,
    name: config.name,
    baseUrl: config.baseUrl,
    hasApiKey: config.keyStored,
    defaultModel: config.defaultModel,
    local: isLocal(config),
  };
}

/** A model server on this machine: free to call. A cloud API reached through a local proxy is not. */
function isLocal(config: ProviderConfig): boolean {
  return config.kind === 'openai-compatible' && isLoopback(config.baseUrl);
}

/**
 * The configured model providers: their non-secret settings, their keys (through the keychain
 * only), their model lists, and which model a conversation talks to.
 */
export class ProviderRegistry {
  private readonly modelCache = new Map<string, { at: number; models: ModelInfo[] }>();

  constructor(
    private readonly settings: SettingsStore,
    private readonly keychain: Keychain,
    private readonly options: { localServers?: LocalServerUrls; local?: LocalChatModels } = {},
  ) {}

  snapshot(): SettingsSnapshot {
    const settings = this.settings.read();
    return {
      providers: [...settings.providers.map(toProvider), ...this.localProvider()],
      defaultModel: settings.defaultModel,
      onboardingDone: settings.onboardingDone,
      desktop: settings.desktop,
    };
  }

  /** The models on this computer as one provider, once a chat model is ready; its URL changes with its models. */
  private localProvider(): Provider[] {
    const ready = this.options.local?.readyModels('chat') ?? [];
    if (ready.length === 0) return [];
    return [
      {
        id: LOCAL_PROVIDER_ID,
        kind: 'local',
        name: LOCAL_PROVIDER_NAME,
        baseUrl: `local:${ready.map((m) => m.name).join(',')}`,
        hasApiKey: false,
        defaultModel: ready[0]!.name,
        local: true,
      },
    ];
  }

  /** A configured provider or the local one: what a conversation or the default may point at. */
  requireAny(id: string): void {
    if (id === LOCAL_PROVIDER_ID && this.localProvider().length > 0) return;
    this.require(id);
  }

  require(id: string): ProviderConfig {
    const provider = this.settings.read().providers.find((p) => p.id === id);
    if (!provider) throw new Cell0Error('NOT_FOUND', 'That provider is not configured (any more).');
    return provider;
  }

  async save(params: MethodParams<'providers.save'>): Promise<Provider> {
    const current = this.settings.read();
    const existing = params.id ? this.require(params.id) : null;
    if (existing && existing.kind !== params.kind) {
      throw new Cell0Error('BAD_PARAMS', 'A provider’s kind cannot change; add a new provider instead.');
    }
    const kind: ProviderKind = params.kind;
    const baseUrl = params.baseUrl ?? existing?.baseUrl ?? KIND_DEFAULTS[kind].baseUrl;
    if (!baseUrl)
      throw new Cell0Error(
        'BAD_PARAMS',
        'Enter the server’s base URL (for example http://127.0.0.1:11434/v1).',
      );
    const name =
      params.name ??
      existing?.name ??
      (kind === 'openai-compatible' ? new URL(baseUrl).host : KIND_DEFAULTS[kind].name);
    const id =
      existing?.id ?? this.freshId(kind === 'openai-compatible' ? slug(name) : kind, current.providers);

    // The key goes first: if the keychain refuses, nothing else changes.
    let keyStored = existing?.keyStored ?? false;
    if (typeof params.apiKey === 'string' && params.apiKey.length > 0) {
      await this.keychain.set(keyAccount(id), params.apiKey);
      keyStored = true;
    } else if (params.apiKey === null || params.apiKey === '') {
      await this.keychain.delete(keyAccount(id));
      keyStored = false;
    }

    const config: ProviderConfig = {
      id,
      kind,
      name,
      baseUrl: trimBaseUrl(baseUrl),
      defaultModel:
        params.defaultModel === undefined ? (existing?.defaultModel ?? null) : params.defaultModel,
      keyStored,
    };
    this.modelCache.delete(id);
    this.settings.update((s) => {
      const providers = existing
        ? s.providers.map((p) => (p.id === id ? config : p))
        : [...s.providers, config];
      let defaultModel = s.defaultModel;
      // The first provider with a model becomes the default, so a new owner can chat at once.
      if (config.defaultModel && (params.makeDefault || !defaultModel)) {
        defaultModel = { providerId: id, model: config.defaultModel };
      }
      return { ...s, providers, defaultModel };
    });
    return toProvider(config);
  }

  async remove(id: string): Promise<void> {
    const provider = this.require(id);
    // Refused while the keychain is locked: the key must not outlive the provider that used it.
    if (provider.keyStored) await this.keychain.delete(keyAccount(id));
    this.modelCache.delete(id);
    this.settings.update((s) => {
      const providers = s.providers.filter((p) => p.id !== id);
      let defaultModel = s.defaultModel;
      if (defaultModel?.providerId === id) {
        const next = providers.find((p) => p.defaultModel);
        defaultModel = next?.defaultModel ? { providerId: next.id, model: next.defaultModel } : null;
      }
      return { ...s, providers, defaultModel };
    });
  }

  setDefaultModel(ref: ModelRef): SettingsSnapshot {
    this.requireAny(ref.providerId);
    this.settings.update((s) => ({ ...s, defaultModel: ref }));
    return this.snapshot();
  }

  setDesktop(change: Partial<DesktopSettings>): SettingsSnapshot {
    this.settings.update((s) => ({ ...s, desktop: { ...s.desktop, ...change } }));
    return this.snapshot();
  }

  setOnboardingDone(done: boolean): SettingsSnapshot {
    this.settings.update((s) => ({ ...s, onboardingDone: done }));
    return this.snapshot();
  }

  async endpoint(provider: ProviderConfig): Promise<ProviderEndpoint> {
    const apiKey = provider.keyStored ? await this.keychain.getExpected(keyAccount(provider.id)) : null;
    if (!apiKey && KIND_DEFAULTS[provider.kind].needsKey) {
      throw new Cell0Error(
        'PROVIDER_AUTH',
        `${provider.name} needs an API key. Add it in Settings → Models.`,
      );
    }
    return { kind: provider.kind, baseUrl: provider.baseUrl, apiKey };
  }

  /** Models of a saved provider (cached a few minutes) or of a draft being tested before saving. */
  async models(params: MethodParams<'providers.models'>): Promise<ModelInfo[]> {
    if ('id' in params) {
      if (params.id === LOCAL_PROVIDER_ID && this.options.local) {
        return this.options.local.readyModels('chat').map((m) => ({ id: m.name, pricing: null }));
      }
      const provider = this.require(params.id);
      const cached = this.modelCache.get(provider.id);
      if (cached && Date.now() - cached.at < MODEL_CACHE_MS) return cached.models;
      const models = await listModels(await this.endpoint(provider));
      this.modelCache.set(provider.id, { at: Date.now(), models });
      return models;
    }
    const baseUrl = params.baseUrl ?? KIND_DEFAULTS[params.kind].baseUrl;
    if (!baseUrl) throw new Cell0Error('BAD_PARAMS', 'Enter the server’s base URL first.');
    // A draft uses only the key typed with it: a stored key never goes to a URL typed in for a test.
    return listModels({ kind: params.kind, baseUrl, apiKey: params.apiKey || null });
  }

  detectLocal() {
    return detectLocalServers(this.options.localServers);
  }

  /** The model a conversation talks to: its own choice, else the app's default. */
  async resolve(ref: ModelRef | null): Promise<ResolvedModel> {
    const chosen = ref ?? this.settings.read().defaultModel;
    if (!chosen) {
      throw new Cell0Error(
        'PROVIDER_NOT_CONFIGURED',
        'No model is set up yet. Open Settings and connect a provider.',
      );
    }
    if (chosen.providerId === LOCAL_PROVIDER_ID) return this.resolveLocal(chosen.model);
    const provider = this.settings.read().providers.find((p) => p.id === chosen.providerId);
    if (!provider) {
      throw new Cell0Error(
        'PROVIDER_NOT_CONFIGURED',
        'The provider this conversation used was removed. Pick another model for it.',
      );
    }
    const endpoint = await this.endpoint(provider);
    const { languageModel } = await import('./provider-sdks.js');
    return {
      provider,
      endpoint,
      model: chosen.model,
      local: isLocal(provider),
      languageModel: () => languageModel(endpoint, chosen.model),
      toolsOff: null,
    };
  }

  private resolveLocal(name: string): ResolvedModel {
    const found = this.options.local?.readyModels('chat').find((m) => m.name === name);
    if (!found || !this.options.local) {
      throw new Cell0Error(
        'LOCAL_MODEL_UNKNOWN',
        `The model ${name} is not ready on this computer. Download it in Settings → Models (or \`cell0 models pull ${name}\`), or pick another model.`,
      );
    }
    const local = this.options.local;
    return {
      provider: { id: LOCAL_PROVIDER_ID, name: LOCAL_PROVIDER_NAME },
      endpoint: null,
      model: name,
      local: true,
      languageModel: () => local.languageModel(name, found.supportsTools),
      toolsOff: found.supportsTools
        ? null
        : `Tools are off for ${found.label || name}: its chat template has no function calling.`,
    };
  }

  private freshId(base: string, providers: ProviderConfig[]): string {
    const taken = new Set(providers.map((p) => p.id));
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  }
}
