import { create } from 'zustand';
import type { CatalogEntry, LocalModel, Machine } from '../../src-main/core/protocol/index.js';

/** The models on this computer and the catalog, as the window knows them. */
interface LocalModelsStore {
  models: Readonly<Record<string, LocalModel>>;
  loaded: boolean;
  catalog: readonly CatalogEntry[] | null;
  machine: Machine | null;
  setAll(models: LocalModel[]): void;
  updated(model: LocalModel): void;
  removed(name: string): void;
  setCatalog(entries: CatalogEntry[], machine: Machine): void;
}

export const useLocalModels = create<LocalModelsStore>()((set, get) => ({
  models: {},
  loaded: false,
  catalog: null,
  machine: null,
  setAll: (models) => set({ models: Object.fromEntries(models.map((m) => [m.name, m])), loaded: true }),
  updated: (model) => set({ models: { ...get().models, [model.name]: model } }),
  removed: (name) => {
    const next = { ...get().models };
    delete next[name];
    set({ models: next });
  },
  setCatalog: (catalog, machine) => set({ catalog, machine }),
}));

const NONE: LocalModel[] = [];
let lastModels: LocalModelsStore['models'] | null = null;
let lastList: LocalModel[] = NONE;

/** Every model, oldest first; the same array until one changes, so React does not re-render for nothing. */
export function selectLocalModels(s: Pick<LocalModelsStore, 'models'>): LocalModel[] {
  if (s.models !== lastModels) {
    lastModels = s.models;
    lastList = Object.values(s.models).sort((a, b) => a.addedAt - b.addedAt);
  }
  return lastList;
}
