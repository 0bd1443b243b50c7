import { create } from 'zustand';
import type { ScrollTarget } from '../lib/navigation.js';

export type View = 'chat' | 'settings' | 'audit' | 'memory' | 'swarms' | 'automations';

interface UiStore {
  view: View;
  inspectorOpen: boolean;
  /** Ctrl/Cmd+B; remembered across reloads. */
  sidebarCollapsed: boolean;
  /** The keyboard shortcut sheet (Ctrl/Cmd+/). */
  shortcutsOpen: boolean;
  /** The Settings section asked for (by `#settings/<id>` or the list); null: the first. */
  settingsSection: string | null;
  /** The open conversation's settings panel. */
  conversationSettingsOpen: boolean;
  /** Bumped to ask the composer to take focus (new chat, back from settings). */
  composerFocusRequest: number;
  /** A failure that belongs to no single control (new chat failed); shown above the main view. */
  notice: string | null;
  /** Setup opened again from Settings; the first-run case follows the stored settings instead. */
  onboardingRequested: boolean;
  /** Closed in this window (skipped or finished) while the stored flag is still being saved. */
  onboardingDismissed: boolean;
  /** A message to scroll to (from ui.navigate); the list takes it once it shows that conversation. */
  scrollTarget: ScrollTarget | null;
  setView(view: View): void;
  toggleInspector(): void;
  toggleSidebar(): void;
  setShortcutsOpen(open: boolean): void;
  setConversationSettingsOpen(open: boolean): void;
  showSettings(section: string | null): void;
  focusComposer(): void;
  setNotice(notice: string | null): void;
  openOnboarding(): void;
  closeOnboarding(): void;
  requestScroll(target: Omit<ScrollTarget, 'seq'>): void;
  /** Only clears the request it was given, so a newer one is not lost. */
  clearScrollTarget(seq: number): void;
}

const SIDEBAR_KEY = 'cell0.sidebarCollapsed';

/** Absent outside a browser (unit tests run in Node). */
interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function readCollapsed(): boolean {
  try {
    return (globalThis as { localStorage?: KeyValue }).localStorage?.getItem(SIDEBAR_KEY) === '1';
  } catch {
    return false;
  }
}

function writeCollapsed(collapsed: boolean): void {
  try {
    (globalThis as { localStorage?: KeyValue }).localStorage?.setItem(SIDEBAR_KEY, collapsed ? '1' : '0');
  } catch {
    // Storage can be disabled; the sidebar then opens expanded next time.
  }
}

/** Never reused, even after a request is cleared, so a stale clear cannot drop a newer request. */
let scrollSeq = 0;

export const useUi = create<UiStore>()((set) => ({
  view: 'chat',
  inspectorOpen: false,
  sidebarCollapsed: readCollapsed(),
  shortcutsOpen: false,
  conversationSettingsOpen: false,
  settingsSection: null,
  composerFocusRequest: 0,
  notice: null,
  onboardingRequested: false,
  onboardingDismissed: false,
  scrollTarget: null,
  setView: (view) => set({ view }),
  toggleInspector: () => set((s) => ({ inspectorOpen: !s.inspectorOpen })),
  toggleSidebar: () =>
    set((s) => {
      writeCollapsed(!s.sidebarCollapsed);
      return { sidebarCollapsed: !s.sidebarCollapsed };
    }),
  setShortcutsOpen: (shortcutsOpen) => set({ shortcutsOpen }),
  setConversationSettingsOpen: (conversationSettingsOpen) => set({ conversationSettingsOpen }),
  showSettings: (section) => set({ view: 'settings', settingsSection: section }),
  focusComposer: () => set((s) => ({ composerFocusRequest: s.composerFocusRequest + 1 })),
  setNotice: (notice) => set({ notice }),
  openOnboarding: () => set({ onboardingRequested: true, onboardingDismissed: false }),
  closeOnboarding: () => set({ onboardingRequested: false, onboardingDismissed: true }),
  requestScroll: (target) => set({ scrollTarget: { ...target, seq: ++scrollSeq } }),
  clearScrollTarget: (seq) => set((s) => (s.scrollTarget?.seq === seq ? { scrollTarget: null } : {})),
}));
