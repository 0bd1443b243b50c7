import { X } from 'lucide-react';
import { AuditView } from '../features/audit/AuditView.js';
import { ConversationView } from '../features/chat/ConversationView.js';
import { MemoryView } from '../features/memory/MemoryView.js';
import { Onboarding } from '../features/onboarding/Onboarding.js';
import { shouldShowOnboarding } from '../features/onboarding/onboarding-model.js';
import { SearchPaletteHost } from '../features/search/SearchPaletteHost.js';
import { Sidebar } from '../features/conversations/Sidebar.js';
import { SettingsView } from '../features/settings/SettingsView.js';
import { SwarmsView } from '../features/swarms/SwarmsView.js';
import { useConnection } from '../stores/connection.js';
import { useSettings } from '../stores/settings.js';
import { useUi } from '../stores/ui.js';
import { Inspector } from './Inspector.js';
import { StatusBar } from './StatusBar.js';
import { UnauthorizedNotice } from './UnauthorizedNotice.js';
import { useGlobalShortcuts } from './use-global-shortcuts.js';

export function App() {
  useGlobalShortcuts();
  const view = useUi((s) => s.view);
  const inspectorOpen = useUi((s) => s.inspectorOpen);
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
  else main = <ConversationView />;

  return (
    <div className={inspectorOpen && view === 'chat' ? 'app with-inspector' : 'app'}>
      <Sidebar />
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
    </div>
  );
}
