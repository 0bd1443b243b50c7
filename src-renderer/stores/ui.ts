import { create } from 'zustand';
import type { ScrollTarget } from '../lib/navigation.js';

export type View = 'chat' | 'settings' | 'audit' | 'memory' | 'swarms' | 'automations';

interface UiStore {
  view: View;
  inspectorOpen: boolean;
  /** Ctrl/Cmd+B in a wide window; the user's choice, remembered across reloads. */
  sidebarCollapsed: boolean;
  /** Below NARROW_WINDOW the sidebar is hidden by itself and opens over the view as a drawer. */
  narrowWindow: boolean;
  /** The drawer is open (narrow windows only; never remembered). */
  sidebarDrawerOpen: boolean;
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
  /** Hides or shows the sidebar: the remembered choice when wide, the drawer when narrow. */
  toggleSidebar(): void;
  setNarrowWindow(narrow: boolean): void;
  closeSidebarDrawer(): void;
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

/** The window width (CSS px) at and below which the sidebar becomes a drawer. */
export const NARROW_WINDOW = 720;

/** Whether the sidebar is out of the way: the user's choice when wide, closed drawer when narrow. */
export function sidebarHidden(
  s: Pick<UiStore, 'narrowWindow' | 'sidebarDrawerOpen' | 'sidebarCollapsed'>,
): boolean {
  return s.narrowWindow ? !s.sidebarDrawerOpen : s.sidebarCollapsed;
}

function readNarrow(): boolean {
  const w = globalThis as { matchMedia?: (query: string) => { matches: boolean } };
  return w.matchMedia?.(`(max-width: ${NARROW_WINDOW}px)`).matches ?? false;
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

/** Leaving Settings takes its `#settings/<id>` out of the URL, so a reload opens the chat. */
function forgetSettingsHash(): void {
  const w = globalThis as {
    location?: { hash: string; pathname: string; search: string };
    history?: { state: unknown; replaceState(data: unknown, unused: string, url?: string): void };
  };
  if (!w.location?.hash.startsWith('#settings') || !w.history) return;
  w.history.replaceState(w.history.state, '', w.location.pathname + w.location.search);
}

/** Never reused, even after a request is cleared, so a stale clear cannot drop a newer request. */
let scrollSeq = 0;

export const useUi = create<UiStore>()((set) => ({
  view: 'chat',
  inspectorOpen: false,
  sidebarCollapsed: readCollapsed(),
  narrowWindow: readNarrow(),
  sidebarDrawerOpen: false,
  shortcutsOpen: false,
  conversationSettingsOpen: false,
  settingsSection: null,
  composerFocusRequest: 0,
  notice: null,
  onboardingRequested: false,
  onboardingDismissed: false,
  scrollTarget: null,
  setView: (view) => {
    if (view !== 'settings') forgetSettingsHash();
    set({ view });
  },
  toggleInspector: () => set((s) => ({ inspectorOpen: !s.inspectorOpen })),
  toggleSidebar: () =>
    set((s) => {
      if (s.narrowWindow) return { sidebarDrawerOpen: !s.sidebarDrawerOpen };
      writeCollapsed(!s.sidebarCollapsed);
      return { sidebarCollapsed: !s.sidebarCollapsed };
    }),
  setNarrowWindow: (narrowWindow) => set({ narrowWindow, sidebarDrawerOpen: false }),
  closeSidebarDrawer: () => set((s) => (s.sidebarDrawerOpen ? { sidebarDrawerOpen: false } : {})),
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
