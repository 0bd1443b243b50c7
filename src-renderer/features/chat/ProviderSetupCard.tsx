import { PlugZap } from 'lucide-react';
import { useUi } from '../../stores/ui.js';

/** The first thing a new owner sees: not an error, just the one step that is missing. */
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
            <p>
              Cell 0 works with any OpenAI-compatible endpoint — a cloud service or a model running on this
              machine. For example:
            </p>
            <ul className="endpoint-list">
              <li>
                <strong>OpenAI</strong> <code>https://api.openai.com/v1</code> (needs an API key)
              </li>
              <li>
                <strong>Ollama</strong> <code>http://127.0.0.1:11434/v1</code>
              </li>
              <li>
                <strong>LM Studio</strong> <code>http://127.0.0.1:1234/v1</code>
              </li>
              <li>Or vLLM, llama.cpp server, OpenRouter, Groq and others that speak the same API.</li>
            </ul>
            <p className="muted">API keys are kept in your system keychain, never in a file.</p>
          </>
        )}
      </div>
      <button
        type="button"
        className="button button-primary"
        data-testid="open-settings"
        onClick={() => useUi.getState().setView('settings')}
      >
        Open Settings
      </button>
    </section>
  );
}
