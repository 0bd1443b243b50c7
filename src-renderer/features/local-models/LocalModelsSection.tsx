import { Download } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import { errorMessage } from '../../lib/client.js';
import { formatBytes } from '../../lib/local-model-format.js';
import { selectLocalModels, useLocalModels } from '../../stores/local-models.js';
import { loadCatalog, pullModel } from './actions.js';
import { LocalModelRow } from './LocalModelRow.js';

/**
 * Settings → Models, the models on this computer: each with its size, state and Remove; a
 * catalog model to download; any GGUF URL or file to add.
 */
export function LocalModelsSection() {
  const models = useLocalModels(selectLocalModels);
  const catalog = useLocalModels((s) => s.catalog);
  const machine = useLocalModels((s) => s.machine);
  const [choice, setChoice] = useState('');
  const [source, setSource] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { pick: useId(), source: useId(), title: useId() };

  useEffect(() => {
    void loadCatalog().catch((err: unknown) => setError(errorMessage(err)));
  }, []);

  const available = (catalog ?? []).filter((e) => !models.some((m) => m.name === e.name));
  const picked = choice || available[0]?.name || '';

  async function pull(params: { name?: string; source?: string }): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await pullModel(params);
      if (params.source) setSource('');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section
      className="settings-section"
      data-testid="settings-section-local-models"
      aria-labelledby={ids.title}
    >
      <h2 id={ids.title}>Models on this computer</h2>
      <p className="muted">
        Run a model here, with no account and no key: nothing you write leaves this computer.
        {machine &&
          ` This computer has ${formatBytes(machine.totalMemoryBytes)} of memory${machine.accelerator === 'cpu' ? ' and no GPU Cell 0 can use' : ` and ${machine.accelerator.toUpperCase()}`}.`}
      </p>
      {models.length === 0 ? (
        <p className="settings-empty">No model on this computer yet.</p>
      ) : (
        <ul className="provider-list" aria-label="Models on this computer">
          {models.map((m) => (
            <LocalModelRow key={m.name} model={m} />
          ))}
        </ul>
      )}
      {available.length > 0 && (
        <form
          className="local-model-add"
          onSubmit={(e) => {
            e.preventDefault();
            if (picked) void pull({ name: picked });
          }}
        >
          <div className="field">
            <label htmlFor={ids.pick}>Download a model</label>
            <select
              id={ids.pick}
              className="select"
              data-testid="local-catalog-select"
              value={picked}
              onChange={(e) => setChoice(e.target.value)}
            >
              {available.map((e) => (
                <option key={e.name} value={e.name}>
                  {e.label} — {formatBytes(e.sizeBytes)}, needs {formatBytes(e.memoryBytes)} of memory ·{' '}
                  {e.licence}
                </option>
              ))}
            </select>
          </div>
          <button
            type="submit"
            className="button"
            data-testid="local-catalog-download"
            disabled={busy || !picked}
          >
            <Download size={14} aria-hidden /> Download
          </button>
        </form>
      )}
      <form
        className="local-model-add"
        onSubmit={(e) => {
          e.preventDefault();
          if (source.trim()) void pull({ source: source.trim() });
        }}
      >
        <div className="field">
          <label htmlFor={ids.source}>Or add a GGUF model from a URL or a file on this computer</label>
          <input
            id={ids.source}
            data-testid="local-model-source"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://huggingface.co/…/model.gguf or /path/to/model.gguf"
            value={source}
            onChange={(e) => setSource(e.target.value)}
          />
        </div>
        <button
          type="submit"
          className="button"
          data-testid="local-model-add"
          disabled={busy || !source.trim()}
        >
          Add
        </button>
      </form>
      {error && (
        <p className="inline-error" role="alert" data-testid="local-models-error">
          {error}
        </p>
      )}
    </section>
  );
}
