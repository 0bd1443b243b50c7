import { PlugZap } from 'lucide-react';
import { useUi } from '../../stores/ui.js';

/** The first thing a new owner sees after skipping setup: not an error, just the one missing step. */
export function ProviderSetupCard({ compact = false }: { compact?: boolean }) {
  return (
    <section
      className={compact ? 'setup-card compact' : 'setup-card'}
      data-testid="provider-setup-card"
      aria-labelledby="setup-card-title"
    >
      <PlugZap className="setup-card-icon" size={compact ? 20 : 28} aria-hidden />
      <div className="setup-card-text">
        <h2 id="setup-card-title">Connect a model to start chatting</h2>
        {!compact && (
          <>
            <p>Cell 0 works with a cloud service or a model running on this computer:</p>
            <ul className="endpoint-list">
              <li>
                <strong>OpenAI</strong> or <strong>Anthropic</strong>, with an API key
              </li>
              <li>
                <strong>Ollama</strong> or <strong>LM Studio</strong> on this computer — free and private
              </li>
              <li>Or OpenRouter, vLLM, llama.cpp’s server and others that speak the OpenAI API.</li>
            </ul>
            <p className="muted">API keys are kept in your system keychain, never in a file.</p>
          </>
        )}
      </div>
      <div className="setup-card-actions">
        <button
          type="button"
          className="button button-primary"
          onClick={() => useUi.getState().openOnboarding()}
        >
          Set up a model
        </button>
        <button
          type="button"
          className="button"
          data-testid="open-settings"
          onClick={() => useUi.getState().showSettings('models')}
        >
          Open Settings
        </button>
      </div>
    </section>
  );
}
