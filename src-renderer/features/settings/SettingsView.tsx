import { ArrowLeft, Wand2 } from 'lucide-react';
import { useEffect, useState, type ReactNode } from 'react';
import { useUi } from '../../stores/ui.js';
import { ConversationDefaultsSection } from './ConversationDefaultsSection.js';
import { ChannelsSection } from '../channels/ChannelsSection.js';
import { IdentitySection } from '../identity/IdentitySection.js';
import { MeshSection } from '../mesh/MeshSection.js';
import { McpSection } from '../mcp/McpSection.js';
import { LocalModelsSection } from '../local-models/LocalModelsSection.js';
import { MemorySettingsSection } from '../memory/MemorySettingsSection.js';
import { PermissionsSection } from '../permissions/PermissionsSection.js';
import { DesktopSection } from './DesktopSection.js';
import { ModelsSection } from './ModelsSection.js';
import { SwarmBudgetSection } from './SwarmBudgetSection.js';

/** Each section, in the order of the list; `#settings/<id>` opens Settings at it. */
const SECTIONS: readonly { id: string; label: string; Section: () => ReactNode }[] = [
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
  { id: 'desktop', label: 'Desktop', Section: DesktopSection },
];

const HASH_PREFIX = '#settings/';

export function sectionFromHash(hash: string): string | null {
  if (!hash.startsWith(HASH_PREFIX)) return null;
  const id = decodeURIComponent(hash.slice(HASH_PREFIX.length));
  return SECTIONS.some((s) => s.id === id) ? id : null;
}

function reveal(id: string): void {
  document.getElementById(`settings-${id}`)?.scrollIntoView({ block: 'start' });
}

/**
 * The list on the left names every section; choosing one brings it into view and puts it in the
 * URL (so a link or a reload opens Settings there), and the list follows as the page scrolls.
 */
function useCurrentSection(): [string, (id: string) => void] {
  const [current, setCurrent] = useState(() => sectionFromHash(window.location.hash) ?? SECTIONS[0]!.id);

  useEffect(() => {
    const wanted = sectionFromHash(window.location.hash);
    if (wanted) reveal(wanted);
    const onHash = () => {
      const id = sectionFromHash(window.location.hash);
      if (id) {
        useUi.getState().setView('settings');
        setCurrent(id);
        requestAnimationFrame(() => reveal(id));
      }
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    const nodes = [...document.querySelectorAll<HTMLElement>('[data-settings-section]')];
    const observer = new IntersectionObserver(
      (entries) => {
        const top = entries
          .filter((e) => e.isIntersecting)
          .sort((a, b) => a.boundingClientRect.top - b.boundingClientRect.top)[0];
        const id = top?.target.getAttribute('data-settings-section');
        if (id) setCurrent(id);
      },
      { rootMargin: '0px 0px -70% 0px' },
    );
    for (const n of nodes) observer.observe(n);
    return () => observer.disconnect();
  }, []);

  return [
    current,
    (id) => {
      setCurrent(id);
      history.replaceState(null, '', `${HASH_PREFIX}${id}`);
      reveal(id);
    },
  ];
}

function SettingsNav({ current, onChoose }: { current: string; onChoose?: (id: string) => void }) {
  return (
    <nav className="settings-nav" aria-label="Settings sections" data-testid="settings-nav">
      {SECTIONS.map((s) => (
        <a
          key={s.id}
          href={`${HASH_PREFIX}${s.id}`}
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
      <div className="settings-body">
        <div className="settings-layout">
          <SettingsNav current={current} onChoose={choose} />
          <div className="settings-sections">
            {SECTIONS.map(({ id, Section }) => (
              <div key={id} id={`settings-${id}`} className="settings-anchor" data-settings-section={id}>
                <Section />
              </div>
            ))}
          </div>
        </div>
      </div>
    </section>
  );
}
