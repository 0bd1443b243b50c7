import { ArrowLeft, Wand2 } from 'lucide-react';
import { useUi } from '../../stores/ui.js';
import { ChannelsSection } from '../channels/ChannelsSection.js';
import { IdentitySection } from '../identity/IdentitySection.js';
import { MeshSection } from '../mesh/MeshSection.js';
import { McpSection } from '../mcp/McpSection.js';
import { LocalModelsSection } from '../local-models/LocalModelsSection.js';
import { MemorySettingsSection } from '../memory/MemorySettingsSection.js';
import { PermissionsSection } from '../permissions/PermissionsSection.js';
import { SecuritySection } from '../security/SecuritySection.js';
import { DesktopSection } from './DesktopSection.js';
import { ModelsSection } from './ModelsSection.js';
import { SwarmBudgetSection } from './SwarmBudgetSection.js';

export function SettingsView() {
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
        <ModelsSection />
        <LocalModelsSection />
        <PermissionsSection />
        <MemorySettingsSection />
        <SwarmBudgetSection />
        <ChannelsSection />
        <McpSection />
        <IdentitySection />
        <MeshSection />
        <SecuritySection />
        <DesktopSection />
      </div>
    </section>
  );
}
