import { create } from 'zustand';
import type { MethodResult } from '../../src-main/core/protocol/index.js';
import type { ConnectionState } from '../lib/connection-state.js';

interface ConnectionStore {
  state: ConnectionState;
  appInfo: MethodResult<'app.info'> | null;
  setState(state: ConnectionState): void;
  setAppInfo(info: MethodResult<'app.info'>): void;
}

export const useConnection = create<ConnectionStore>()((set) => ({
  state: 'connecting',
  appInfo: null,
  setState: (state) => set({ state }),
  setAppInfo: (appInfo) => set({ appInfo }),
}));
