import { Plus } from 'lucide-react';
import { useState } from 'react';
import { selectProviders, useSettings } from '../../stores/settings.js';
import { DefaultModelSelect } from './DefaultModelSelect.js';
import { ProviderEditor } from './ProviderEditor.js';
import { ProviderRow } from './ProviderRow.js';

/** Providers and the app's default model; one editor open at a time, in place of its row. */
export function ModelsSection() {
  const loaded = useSettings((s) => s.loaded);
  // Models on this computer have their own section (LocalModelsSection), not a provider row.
  const providers = useSettings(selectProviders).filter((p) => p.kind !== 'local');
  const defaultProviderId = useSettings((s) => s.snapshot?.defaultModel?.providerId ?? null);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);

  return (
    <section
      className="settings-section"
      data-testid="settings-section-models"
      aria-labelledby="models-title"
    >
      <h2 id="models-title">Models</h2>
      <p className="muted">
        Cloud services (OpenAI, Anthropic) and servers that speak the OpenAI API — Ollama, LM Studio, vLLM,
        llama.cpp, OpenRouter and others.
      </p>
      {!loaded ? (
        <p className="muted">Loading settings…</p>
      ) : (
        <>
          {providers.length === 0 && !adding && (
            <p className="settings-empty">No provider yet. Add one to start chatting.</p>
          )}
          {providers.length > 0 && (
            <ul className="provider-list" aria-label="Providers">
              {providers.map((p) =>
                editingId === p.id ? (
                  <li
                    key={p.id}
                    className="provider-row editing"
                    data-testid="provider-row"
                    data-provider-id={p.id}
                  >
                    <ProviderEditor provider={p} onDone={() => setEditingId(null)} />
                  </li>
                ) : (
                  <ProviderRow
                    key={p.id}
                    provider={p}
                    isAppDefault={p.id === defaultProviderId}
                    onEdit={() => {
                      setAdding(false);
                      setEditingId(p.id);
                    }}
                  />
                ),
              )}
            </ul>
          )}
          {adding ? (
            <div className="provider-add-panel">
              <h3>Add a provider</h3>
              <ProviderEditor provider={null} onDone={() => setAdding(false)} />
            </div>
          ) : (
            <button
              type="button"
              className="button"
              data-testid="provider-add"
              onClick={() => {
                setEditingId(null);
                setAdding(true);
              }}
            >
              <Plus size={15} aria-hidden />
              Add provider
            </button>
          )}
          <DefaultModelSelect />
        </>
      )}
    </section>
  );
}
