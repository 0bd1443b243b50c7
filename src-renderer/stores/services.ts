import { create } from 'zustand';
import type { ServiceStatus } from '../../src-main/core/protocol/index.js';

interface ServicesStore {
  /** The core's background services; empty until core.status first answers. */
  list: ServiceStatus[];
  setAll(list: ServiceStatus[]): void;
}

export const useServices = create<ServicesStore>()((set) => ({
  list: [],
  setAll: (list) => set({ list }),
}));
