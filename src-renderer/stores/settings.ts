import { create } from 'zustand';
import type { ProviderSettings } from '../../src-main/core/protocol/index.js';

interface SettingsStore {
  provider: ProviderSettings | null;
  loaded: boolean;
  setProvider(provider: ProviderSettings | null): void;
}

export const useSettings = create<SettingsStore>()((set) => ({
  provider: null,
  loaded: false,
  setProvider: (provider) => set({ provider, loaded: true }),
}));

/** A provider is usable once it has somewhere to send requests and a model to ask. */
export function isProviderReady(provider: ProviderSettings | null): boolean {
  return !!provider && provider.baseUrl.trim() !== '' && provider.model.trim() !== '';
}
