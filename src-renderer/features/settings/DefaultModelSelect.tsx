import { useEffect, useId, useState } from 'react';
import { errorMessage } from '../../lib/client.js';
import { buildModelOptions, modelRefKey, parseModelRefKey } from '../../lib/model-ref.js';
import { selectProviders, useSettings } from '../../stores/settings.js';
import { ensureAllProviderModels, setDefaultModel } from './actions.js';

/** The model new conversations use, from every provider's list (fetched when this shows). */
export function DefaultModelSelect() {
  const providers = useSettings(selectProviders);
  const lists = useSettings((s) => s.models);
  const defaultModel = useSettings((s) => s.snapshot?.defaultModel ?? null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const id = useId();

  useEffect(() => {
    ensureAllProviderModels();
  }, [providers]);

  const groups = buildModelOptions(providers, lists, [defaultModel]);

  async function choose(key: string): Promise<void> {
    const ref = parseModelRefKey(key);
    if (!ref) return;
    setSaving(true);
    setError(null);
    try {
      await setDefaultModel(ref);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <div className="field">
      <label htmlFor={id}>Default model</label>
      <select
        id={id}
        data-testid="default-model-select"
        className="select"
        value={defaultModel ? modelRefKey(defaultModel) : ''}
        disabled={saving || providers.length === 0}
        onChange={(e) => void choose(e.target.value)}
      >
        {!defaultModel && (
          <option value="" disabled>
            {providers.length === 0 ? 'Add a provider first' : 'Choose a model'}
          </option>
        )}
        {groups.map((g) => (
          <optgroup key={g.providerId} label={g.note ? `${g.label} (${g.note})` : g.label}>
            {g.options.map((o) => (
              <option key={o.key} value={o.key}>
                {o.label}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      <p className="field-help">New conversations use this model; each conversation can pick its own.</p>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
