import { X } from 'lucide-react';
import { ConversationView } from '../features/chat/ConversationView.js';
import { shouldShowOnboarding } from '../features/onboarding/onboarding-model.js';
import { SearchPaletteHost } from '../features/search/SearchPaletteHost.js';
import { Sidebar } from '../features/conversations/Sidebar.js';
import { useConnection } from '../stores/connection.js';
import { useSettings } from '../stores/settings.js';
import { sidebarHidden, useUi } from '../stores/ui.js';
import { lazyView } from './lazy-view.js';
import { StatusBar } from './StatusBar.js';
import { ShortcutSheet } from './ShortcutSheet.js';
import { UndoToast } from '../features/conversations/UndoToast.js';
import { UnauthorizedNotice } from './UnauthorizedNotice.js';
import { useGlobalShortcuts } from './use-global-shortcuts.js';
import { useNarrowWindow } from './use-narrow-window.js';

// Loaded when first shown; the shell and the conversation are in the first script.
const SettingsView = lazyView(
  async () => (await import('../features/settings/SettingsView.js')).SettingsView,
);
const AuditView = lazyView(async () => (await import('../features/audit/AuditView.js')).AuditView);
const MemoryView = lazyView(async () => (await import('../features/memory/MemoryView.js')).MemoryView);
const SwarmsView = lazyView(async () => (await import('../features/swarms/SwarmsView.js')).SwarmsView);
const AutomationsView = lazyView(
  async () => (await import('../features/automations/AutomationsView.js')).AutomationsView,
);
const Inspector = lazyView(async () => (await import('./Inspector.js')).Inspector);
const Onboarding = lazyView(
  async () => (await import('../features/onboarding/Onboarding.js')).Onboarding,
  null,
);

export function App() {
  useGlobalShortcuts();
  const view = useUi((s) => s.view);
  const inspectorOpen = useUi((s) => s.inspectorOpen);
  useNarrowWindow();
  const sidebarCollapsed = useUi(sidebarHidden);
  const narrowWindow = useUi((s) => s.narrowWindow);
  const drawerOpen = useUi((s) => s.narrowWindow && s.sidebarDrawerOpen);
  const notice = useUi((s) => s.notice);
  const unauthorized = useConnection((s) => s.state === 'unauthorized');
  const snapshot = useSettings((s) => s.snapshot);
  const onboardingRequested = useUi((s) => s.onboardingRequested);
  const onboardingDismissed = useUi((s) => s.onboardingDismissed);
  const showOnboarding =
    !unauthorized &&
    shouldShowOnboarding({
      loaded: snapshot !== null,
      onboardingDone: snapshot?.onboardingDone ?? true,
      providerCount: snapshot?.providers.length ?? 0,
      requested: onboardingRequested,
      dismissed: onboardingDismissed,
    });

  let main;
  if (unauthorized) main = <UnauthorizedNotice />;
  else if (view === 'settings') main = <SettingsView />;
  else if (view === 'audit') main = <AuditView />;
  else if (view === 'memory') main = <MemoryView />;
  else if (view === 'swarms') main = <SwarmsView />;
  else if (view === 'automations') main = <AutomationsView />;
  else main = <ConversationView />;

  return (
    <div
      className={[
        'app',
        inspectorOpen && view === 'chat' ? 'with-inspector' : '',
        sidebarCollapsed ? 'sidebar-collapsed' : '',
        drawerOpen ? 'sidebar-drawer' : '',
      ]
        .filter(Boolean)
        .join(' ')}
      data-testid="app"
      data-sidebar={sidebarCollapsed ? 'collapsed' : 'open'}
      data-window={narrowWindow ? 'narrow' : 'wide'}
    >
      <Sidebar />
      {drawerOpen && (
        <div
          className="sidebar-backdrop"
          data-testid="sidebar-backdrop"
          aria-hidden
          onClick={() => useUi.getState().closeSidebarDrawer()}
        />
      )}
      <main className="main">
        {notice && (
          <div className="notice" role="alert">
            <span>{notice}</span>
            <button
              type="button"
              className="icon-button"
              aria-label="Dismiss"
              onClick={() => useUi.getState().setNotice(null)}
            >
              <X size={14} aria-hidden />
            </button>
          </div>
        )}
        {main}
      </main>
      {inspectorOpen && view === 'chat' && <Inspector />}
      <StatusBar />
      {showOnboarding && <Onboarding />}
      <SearchPaletteHost />
      <ShortcutSheet />
      <UndoToast />
    </div>
  );
}
