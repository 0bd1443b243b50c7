import { create } from 'zustand';

interface PaletteStore {
  open: boolean;
  openPalette(): void;
  close(): void;
}

/** Its own store: the palette opens over any view and leaves the rest of the UI state alone. */
export const usePalette = create<PaletteStore>()((set) => ({
  open: false,
  openPalette: () => set({ open: true }),
  close: () => set({ open: false }),
}));
