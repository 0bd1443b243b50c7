import { create } from 'zustand';
import type { AgentsStatus } from '../../src-main/core/protocol/index.js';

interface AgentsStore {
  /** Null until agents.status first answers; the status bar shows no pause control before then. */
  status: AgentsStatus | null;
  setStatus(status: AgentsStatus): void;
}

export const useAgents = create<AgentsStore>()((set) => ({
  status: null,
  setStatus: (status) => set({ status }),
}));
