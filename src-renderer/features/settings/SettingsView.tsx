import { ArrowLeft, Wand2 } from 'lucide-react';
import { useEffect, useRef, type ReactNode } from 'react';
import { settingsHash } from '../../lib/settings-hash.js';
import { useUi } from '../../stores/ui.js';
import { ConversationDefaultsSection } from './ConversationDefaultsSection.js';
import { ChannelsSection } from '../channels/ChannelsSection.js';
import { IdentitySection } from '../identity/IdentitySection.js';
import { MeshSection } from '../mesh/MeshSection.js';
import { GatewaySection } from '../automations/GatewaySection.js';
import { McpSection } from '../mcp/McpSection.js';
import { LocalModelsSection } from '../local-models/LocalModelsSection.js';
import { MemorySettingsSection } from '../memory/MemorySettingsSection.js';
import { PermissionsSection } from '../permissions/PermissionsSection.js';
import { SecuritySection } from '../security/SecuritySection.js';
import { DesktopSection } from './DesktopSection.js';
import { ModelsSection } from './ModelsSection.js';
import { SwarmBudgetSection } from './SwarmBudgetSection.js';

/** Each section, in the order of the list; `#settings/<id>` opens Settings at it. */
export const SECTIONS: readonly { id: string; label: string; Section: () => ReactNode }[] = [
  { id: 'models', label: 'Models', Section: ModelsSection },
  { id: 'local-models', label: 'On this computer', Section: LocalModelsSection },
  { id: 'conversations', label: 'New conversations', Section: ConversationDefaultsSection },
  { id: 'permissions', label: 'Permissions', Section: PermissionsSection },
  { id: 'memory', label: 'Memory', Section: MemorySettingsSection },
  { id: 'swarms', label: 'Swarms', Section: SwarmBudgetSection },
  { id: 'channels', label: 'Channels', Section: ChannelsSection },
  { id: 'mcp', label: 'MCP servers', Section: McpSection },
  { id: 'identity', label: 'Identity', Section: IdentitySection },
  { id: 'mesh', label: 'Mesh', Section: MeshSection },
  { id: 'gateway', label: 'Gateway', Section: GatewaySection },
  { id: 'security', label: 'Security', Section: SecuritySection },
  { id: 'desktop', label: 'Desktop', Section: DesktopSection },
];

/** The section shown: the one named by `#settings/<id>` or chosen in the list; the first otherwise. */
export function currentSection(requested: string | null): string {
  return SECTIONS.some((s) => s.id === requested) ? requested! : SECTIONS[0]!.id;
}

/**
 * The one section on the right: asked for by the URL (`#settings/<id>`, on load, by a link, a
 * reload, Back/Forward) or chosen in the list, which puts it in the URL as a new history entry so
 * Back returns to the section before.
 */
function useCurrentSection(): [string, (id: string) => void] {
  const current = currentSection(useUi((s) => s.settingsSection));

  // Settings opened without a fragment (the sidebar, Ctrl/Cmd+,) still names its section in the URL.
  useEffect(() => {
    if (window.location.hash !== settingsHash(current)) {
      history.replaceState(history.state, '', settingsHash(current));
    }
  }, [current]);

  return [
    current,
    (id) => {
      if (window.location.hash !== settingsHash(id)) window.location.hash = settingsHash(id);
      useUi.getState().showSettings(id);
    },
  ];
}

function SettingsNav({ current, onChoose }: { current: string; onChoose?: (id: string) => void }) {
  return (
    <nav className="settings-nav" aria-label="Settings sections" data-testid="settings-nav">
      {SECTIONS.map((s) => (
        <a
          key={s.id}
          href={settingsHash(s.id)}
          data-testid={`settings-nav-${s.id}`}
          aria-current={s.id === current ? 'page' : undefined}
          onClick={(e) => {
            e.preventDefault();
            onChoose?.(s.id);
          }}
        >
          {s.label}
        </a>
      ))}
    </nav>
  );
}

export function SettingsView() {
  const [current, choose] = useCurrentSection();
  const section = SECTIONS.find((s) => s.id === current)!;
  const body = useRef<HTMLDivElement>(null);
  useEffect(() => {
    body.current?.scrollTo({ top: 0 });
  }, [current]);
  return (
    <section className="settings" aria-labelledby="settings-title">
      <header className="view-header">
        <button
          type="button"
          className="button button-ghost"
          data-testid="nav-chat"
          onClick={() => {
            useUi.getState().setView('chat');
            useUi.getState().focusComposer();
          }}
        >
          <ArrowLeft size={15} aria-hidden />
          Back to chat
        </button>
        <h1 id="settings-title" className="view-title">
          Settings
        </h1>
        <button
          type="button"
          className="button button-ghost"
          data-testid="rerun-onboarding"
          onClick={() => useUi.getState().openOnboarding()}
        >
          <Wand2 size={15} aria-hidden />
          Run setup again
        </button>
      </header>
      <div className="settings-body" ref={body}>
        <div className="settings-layout">
          <SettingsNav current={current} onChoose={choose} />
          <div className="settings-sections">
            <div
              key={section.id}
              id={`settings-${section.id}`}
              className="settings-anchor"
              data-settings-section={section.id}
            >
              <section.Section />
            </div>
          </div>
        </div>
      </div>
    </section>
  );
}
