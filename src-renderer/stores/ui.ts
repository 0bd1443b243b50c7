import { create } from 'zustand';

export type View = 'chat' | 'settings' | 'audit';

interface UiStore {
  view: View;
  inspectorOpen: boolean;
  /** Bumped to ask the composer to take focus (new chat, back from settings). */
  composerFocusRequest: number;
  /** A failure that belongs to no single control (new chat failed); shown above the main view. */
  notice: string | null;
  /** Setup opened again from Settings; the first-run case follows the stored settings instead. */
  onboardingRequested: boolean;
  /** Closed in this window (skipped or finished) while the stored flag is still being saved. */
  onboardingDismissed: boolean;
  setView(view: View): void;
  toggleInspector(): void;
  focusComposer(): void;
  setNotice(notice: string | null): void;
  openOnboarding(): void;
  closeOnboarding(): void;
}

export const useUi = create<UiStore>()((set) => ({
  view: 'chat',
  inspectorOpen: false,
  composerFocusRequest: 0,
  notice: null,
  onboardingRequested: false,
  onboardingDismissed: false,
  setView: (view) => set({ view }),
  toggleInspector: () => set((s) => ({ inspectorOpen: !s.inspectorOpen })),
  focusComposer: () => set((s) => ({ composerFocusRequest: s.composerFocusRequest + 1 })),
  setNotice: (notice) => set({ notice }),
  openOnboarding: () => set({ onboardingRequested: true, onboardingDismissed: false }),
  closeOnboarding: () => set({ onboardingRequested: false, onboardingDismissed: true }),
}));
