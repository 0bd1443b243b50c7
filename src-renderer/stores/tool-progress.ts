import { create } from 'zustand';

export interface ToolProgress {
  progress: number;
  total: number | null;
  message: string | null;
}

interface ToolProgressStore {
  /** The latest progress a running tool reported (MCP progress notifications), by tool call id. */
  byId: Record<string, ToolProgress>;
  note(event: { toolCallId: string } & ToolProgress): void;
}

export const useToolProgress = create<ToolProgressStore>()((set) => ({
  byId: {},
  note: ({ toolCallId, progress, total, message }) =>
    set((s) => ({ byId: { ...s.byId, [toolCallId]: { progress, total, message } } })),
}));
