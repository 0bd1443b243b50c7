import { create } from 'zustand';
import type { Lab } from '../../src-main/core/protocol/index.js';

interface LabsStore {
  byId: Record<string, Lab>;
  /** The lab whose changeset is open for review, if any. */
  reviewing: string | null;
  upsert(labs: readonly Lab[]): void;
  review(id: string | null): void;
}

export const useLabs = create<LabsStore>()((set) => ({
  byId: {},
  reviewing: null,
  upsert: (labs) =>
    set((s) => {
      const byId = { ...s.byId };
      for (const lab of labs) byId[lab.id] = lab;
      return { byId };
    }),
  review: (reviewing) => set({ reviewing }),
}));
