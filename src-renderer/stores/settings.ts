import { create } from 'zustand';
import type { ModelInfo, Provider, SettingsSnapshot } from '../../src-main/core/protocol/index.js';
import { staleModelLists, type ModelList } from '../lib/model-ref.js';

interface SettingsStore {
  snapshot: SettingsSnapshot | null;
  loaded: boolean;
  /** Each provider's models, fetched lazily and dropped when the provider changes. */
  models: Readonly<Record<string, ModelList | undefined>>;
  setSnapshot(snapshot: SettingsSnapshot): void;
  /** A provider saved here, before settings.updated arrives (or if it never does). */
  upsertProvider(provider: Provider): void;
  removeProvider(id: string): void;
  setModelList(providerId: string, list: ModelList): void;
}

function withoutStale(
  models: SettingsStore['models'],
  before: Provider[],
  after: Provider[],
): SettingsStore['models'] {
  const stale = staleModelLists(before, after);
  if (stale.length === 0) return models;
  const next = { ...models };
  for (const id of stale) delete next[id];
  return next;
}

export const useSettings = create<SettingsStore>()((set, get) => ({
  snapshot: null,
  loaded: false,
  models: {},
  setSnapshot: (snapshot) => {
    const before = get().snapshot?.providers ?? [];
    set({ snapshot, loaded: true, models: withoutStale(get().models, before, snapshot.providers) });
  },
  upsertProvider: (provider) => {
    const snapshot = get().snapshot;
    if (!snapshot) return;
    const exists = snapshot.providers.some((p) => p.id === provider.id);
    const providers = exists
      ? snapshot.providers.map((p) => (p.id === provider.id ? provider : p))
      : [...snapshot.providers, provider];
    get().setSnapshot({ ...snapshot, providers });
  },
  removeProvider: (id) => {
    const snapshot = get().snapshot;
    if (!snapshot) return;
    const defaultModel = snapshot.defaultModel?.providerId === id ? null : snapshot.defaultModel;
    get().setSnapshot({
      ...snapshot,
      providers: snapshot.providers.filter((p) => p.id !== id),
      defaultModel,
    });
  },
  setModelList: (providerId, list) => set({ models: { ...get().models, [providerId]: list } }),
}));

/** Stable empty list so selectors do not hand React a new array each render. */
const NO_PROVIDERS: Provider[] = [];

export function selectProviders(s: { snapshot: SettingsSnapshot | null }): Provider[] {
  return s.snapshot?.providers ?? NO_PROVIDERS;
}

export function findProvider(providers: Provider[], id: string | null | undefined): Provider | undefined {
  return id ? providers.find((p) => p.id === id) : undefined;
}

export function modelIds(models: ModelInfo[]): string[] {
  return models.map((m) => m.id);
}
