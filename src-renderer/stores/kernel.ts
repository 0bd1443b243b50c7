import { create } from 'zustand';
import type { SandboxStatus } from '../../src-main/core/protocol/index.js';

interface KernelStore {
  /** Null until kernel.status first answers; the status bar shows nothing rather than a guess. */
  sandbox: SandboxStatus | null;
  runningTools: number;
  setStatus(status: { sandbox: SandboxStatus; runningTools: number }): void;
}

export const useKernel = create<KernelStore>()((set) => ({
  sandbox: null,
  runningTools: 0,
  setStatus: ({ sandbox, runningTools }) => set({ sandbox, runningTools }),
}));
