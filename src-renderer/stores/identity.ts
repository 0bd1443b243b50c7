import { create } from 'zustand';
import type { IdentityState } from '../../src-main/core/protocol/index.js';

interface IdentityStore {
  /** Null until identity.get first answers. */
  state: IdentityState | null;
  /** Why identity.get itself failed (the link, not the keychain); the section offers a retry. */
  loadError: string | null;
  setState(state: IdentityState): void;
  setLoadError(message: string | null): void;
}

export const useIdentity = create<IdentityStore>()((set) => ({
  state: null,
  loadError: null,
  setState: (state) => set({ state, loadError: null }),
  setLoadError: (loadError) => set({ loadError }),
}));
