import { Loader2 } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import type { EmbeddingStatus } from '../../../src-main/core/protocol/index.js';
import { errorMessage } from '../../lib/client.js';
import { selectLocalModels, useLocalModels } from '../../stores/local-models.js';
import { useMemory } from '../../stores/memory.js';
import { selectProviders, useSettings } from '../../stores/settings.js';
import { chooseEmbedder, embeddingModels, loadEmbedding } from './actions.js';
import {
  BUILT_IN_VALUE,
  choiceFrom,
  describeEmbedding,
  embedderSources,
  hasAnthropic,
  isLocalSource,
  sourceOf,
  sameChoice,
} from './embedder-model.js';

/** Settings → Memory: where search vectors come from, and a re-index's progress. */
export function EmbedderSettings() {
  const status = useMemory((s) => s.embedding);

  useEffect(() => {
    if (!useMemory.getState().embedding) void loadEmbedding();
  }, []);

  if (!status) return <p className="muted">Loading the embedder…</p>;
  // Keyed by the stored choice: the form starts from it again when it changes elsewhere.
  const key = status.choice.kind === 'provider' ? `${status.choice.providerId}/${status.choice.model}` : 'b';
  return (
    <div className="memory-embedder" data-testid="memory-embedder">
      <EmbedderState status={status} />
      <EmbedderForm key={key} status={status} />
    </div>
  );
}

function EmbedderState({ status }: { status: EmbeddingStatus }) {
  const wording = describeEmbedding(status);
  const [retrying, setRetrying] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function retry(): Promise<void> {
    setRetrying(true);
    setError(null);
    try {
      await chooseEmbedder(status.choice);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setRetrying(false);
    }
  }

  return (
    <div
      className={`memory-embedder-state tone-${wording.tone}`}
      data-testid="memory-embedder-state"
      data-state={status.state}
      data-active={status.activeId}
      role="status"
    >
      <p>{wording.summary}</p>
      {wording.progress && (
        <div className="memory-embedder-progress">
          <progress
            data-testid="memory-embedder-progress"
            max={wording.progress.total}
            value={wording.progress.done}
            aria-label="Re-index progress"
          />
          <span className="mono" data-testid="memory-embedder-count">
            {wording.progress.done} / {wording.progress.total}
          </span>
        </div>
      )}
      {wording.retry && (
        <button
          type="button"
          className="button button-small"
          data-testid="memory-embedder-retry"
          disabled={retrying}
          onClick={() => void retry()}
        >
          {retrying && <Loader2 size={13} className="spin" aria-hidden />}
          Retry now
        </button>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function EmbedderForm({ status }: { status: EmbeddingStatus }) {
  const providers = useSettings(selectProviders);
  const stored = status.choice;
  const localModels = useLocalModels(selectLocalModels);
  const localEmbedders = localModels.filter((m) => m.kind === 'embedding' && m.state === 'ready');
  const [source, setSource] = useState(sourceOf(stored));
  const [model, setModel] = useState(stored.kind === 'provider' ? stored.model : '');
  const [candidates, setCandidates] = useState<{ source: string; models: string[]; error: string | null }>({
    source: '',
    models: [],
    error: null,
  });
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const sources = embedderSources(providers, localEmbedders);
  const provider = providers.find((p) => p.id === source);
  const choice = choiceFrom(source, model);
  const unchanged = choice !== null && sameChoice(choice, stored);

  useEffect(() => {
    if (source === BUILT_IN_VALUE || isLocalSource(source) || !provider || provider.kind === 'anthropic')
      return;
    let stale = false;
    embeddingModels(source).then(
      (models) => {
        if (stale) return;
        setCandidates({ source, models, error: null });
        // The first listed embedding model is the likely pick; a typed name is never replaced.
        setModel((typed) => (typed === '' && models[0] ? models[0] : typed));
      },
      (err: unknown) => {
        if (!stale) setCandidates({ source, models: [], error: errorMessage(err) });
      },
    );
    return () => {
      stale = true;
    };
  }, [source, provider]);

  async function save(): Promise<void> {
    if (!choice) return;
    setSaving(true);
    setError(null);
    try {
      await chooseEmbedder(choice);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  const listed = candidates.source === source ? candidates : null;
  return (
    <form
      className="settings-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-source`}>Memory search vectors from</label>
        <select
          id={`${id}-source`}
          className="select"
          data-testid="memory-embedder-source"
          aria-describedby={`${id}-source-help`}
          value={source}
          onChange={(e) => {
            setSource(e.target.value);
            setModel('');
            setError(null);
          }}
        >
          {sources.map((s) => (
            <option key={s.value} value={s.value} disabled={s.disabled}>
              {s.label}
            </option>
          ))}
        </select>
        <p className="field-help" id={`${id}-source-help`}>
          The built-in embedder runs here and needs no download, but it matches words, not meaning. An
          embedding model on this computer (download one in Settings → Models) finds things by meaning and
          keeps everything here. A provider&apos;s embedding model also understands meaning, but each memory
          and message is sent to it once, and again when it changes.
          {hasAnthropic(providers) && ' Anthropic has no embeddings API, so it cannot be used here.'}
        </p>
      </div>
      {source !== BUILT_IN_VALUE && !isLocalSource(source) && (
        <div className="field">
          <label htmlFor={`${id}-model`}>Embedding model</label>
          <input
            id={`${id}-model`}
            data-testid="memory-embedder-model"
            list={`${id}-models`}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={`${id}-model-help`}
            value={model}
            onChange={(e) => {
              setModel(e.target.value);
              setError(null);
            }}
          />
          <datalist id={`${id}-models`}>
            {(listed?.models ?? []).map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
          <p className="field-help" id={`${id}-model-help`} data-testid="memory-embedder-model-help">
            {!listed
              ? 'Looking for embedding models…'
              : listed.error
                ? `Could not list models (${listed.error}). Type the model's name.`
                : listed.models.length > 0
                  ? `${provider?.name ?? 'This provider'} lists ${listed.models.join(', ')}. Any other name may be typed.`
                  : `${provider?.name ?? 'This provider'} lists no model that looks like an embedding model. Type its name (for Ollama, e.g. nomic-embed-text).`}
          </p>
        </div>
      )}
      <div className="form-actions">
        <button
          type="submit"
          className="button"
          data-testid="memory-embedder-save"
          disabled={!choice || unchanged || saving}
        >
          {saving && <Loader2 size={13} className="spin" aria-hidden />}
          {saving && source !== BUILT_IN_VALUE ? 'Trying the model…' : 'Use this embedder'}
        </button>
      </div>
      {error && (
        <p className="inline-error" role="alert" data-testid="memory-embedder-error">
          {error}
        </p>
      )}
    </form>
  );
}
