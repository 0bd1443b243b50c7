import { ArrowLeft } from 'lucide-react';
import { useSettings } from '../../stores/settings.js';
import { useUi } from '../../stores/ui.js';
import { ProviderForm } from './ProviderForm.js';

export function SettingsView() {
  const loaded = useSettings((s) => s.loaded);
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
      </header>
      <div className="settings-body">
        <section className="settings-section" aria-labelledby="provider-title">
          <h2 id="provider-title">Model provider</h2>
          <p className="muted">
            Any OpenAI-compatible endpoint works: OpenAI, Ollama (<code>http://127.0.0.1:11434/v1</code>), LM
            Studio (<code>http://127.0.0.1:1234/v1</code>), vLLM, llama.cpp and others.
          </p>
          {loaded ? <ProviderForm /> : <p className="muted">Loading settings…</p>}
        </section>
      </div>
    </section>
  );
}
