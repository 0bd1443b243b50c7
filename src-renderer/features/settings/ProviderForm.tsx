import { CheckCircle2, KeyRound, Loader2, XCircle } from 'lucide-react';
import { useId, useState } from 'react';
import { errorMessage, isClientError } from '../../lib/client.js';
import { useSettings } from '../../stores/settings.js';
import { useUi } from '../../stores/ui.js';
import { saveProvider, testProvider } from './actions.js';
import {
  ENDPOINT_PRESETS,
  initialValues,
  toSaveParams,
  toTestParams,
  validate,
  type KeyMode,
  type ProviderFormValues,
} from './provider-form-model.js';

type TestState =
  | { kind: 'idle' }
  | { kind: 'testing' }
  | { kind: 'ok'; models: string[] }
  | { kind: 'failed'; message: string };

function describeSettingsError(err: unknown): string {
  if (isClientError(err) && err.code === 'KEYCHAIN_UNAVAILABLE') {
    return `${err.message} The key was not saved; unlock or set up your system keychain and save again.`;
  }
  return errorMessage(err);
}

/** Mounted once settings are loaded, so its starting values are the stored ones. */
export function ProviderForm() {
  const stored = useSettings((s) => s.provider);
  const [values, setValues] = useState<ProviderFormValues>(() => initialValues(stored));
  const [test, setTest] = useState<TestState>({ kind: 'idle' });
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { baseUrl: useId(), model: useId(), apiKey: useId(), models: useId(), keyHelp: useId() };
  const hasStoredKey = stored?.hasApiKey ?? false;

  function update(patch: Partial<ProviderFormValues>): void {
    setValues((v) => ({ ...v, ...patch }));
    setSaved(false);
  }

  function setKeyMode(keyMode: KeyMode): void {
    update({ keyMode, apiKey: '' });
  }

  async function runTest(): Promise<void> {
    setTest({ kind: 'testing' });
    try {
      const { models } = await testProvider(toTestParams(values));
      setTest({ kind: 'ok', models });
    } catch (err) {
      setTest({ kind: 'failed', message: errorMessage(err) });
    }
  }

  async function save(): Promise<void> {
    const problem = validate(values);
    setError(problem);
    setSaved(false);
    if (problem) return;
    setSaving(true);
    try {
      const provider = await saveProvider(toSaveParams(values));
      setValues((v) => ({ ...v, keyMode: provider.hasApiKey ? 'keep' : 'replace', apiKey: '' }));
      setSaved(true);
    } catch (err) {
      setError(describeSettingsError(err));
    } finally {
      setSaving(false);
    }
  }

  const models = test.kind === 'ok' ? test.models : [];

  return (
    <form
      className="settings-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="field">
        <label htmlFor={ids.baseUrl}>Base URL</label>
        <input
          id={ids.baseUrl}
          data-testid="settings-base-url"
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder="http://127.0.0.1:11434/v1"
          value={values.baseUrl}
          onChange={(e) => update({ baseUrl: e.target.value })}
        />
        <div className="presets" role="group" aria-label="Common endpoints">
          {ENDPOINT_PRESETS.map((p) => (
            <button
              key={p.name}
              type="button"
              className="chip"
              aria-label={`Use ${p.name}: ${p.baseUrl}`}
              onClick={() => update({ baseUrl: p.baseUrl })}
            >
              {p.name}
            </button>
          ))}
        </div>
      </div>

      <div className="field">
        <label htmlFor={ids.model}>Model</label>
        <input
          id={ids.model}
          data-testid="settings-model"
          list={ids.models}
          autoComplete="off"
          spellCheck={false}
          placeholder="e.g. gpt-4o-mini, llama3.2, qwen2.5"
          value={values.model}
          onChange={(e) => update({ model: e.target.value })}
        />
        <datalist id={ids.models}>
          {models.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
      </div>

      <div className="field">
        <label htmlFor={ids.apiKey}>API key</label>
        {hasStoredKey && values.keyMode === 'keep' && (
          <div className="key-stored">
            <KeyRound size={15} aria-hidden />
            <span>A key is stored in your system keychain.</span>
            <button type="button" className="button button-small" onClick={() => setKeyMode('replace')}>
              Replace
            </button>
            <button type="button" className="button button-small" onClick={() => setKeyMode('remove')}>
              Remove
            </button>
          </div>
        )}
        {hasStoredKey && values.keyMode === 'remove' && (
          <div className="key-stored">
            <span>The stored key will be removed when you save.</span>
            <button type="button" className="button button-small" onClick={() => setKeyMode('keep')}>
              Undo
            </button>
          </div>
        )}
        {values.keyMode === 'replace' && (
          <div className="key-input-row">
            <input
              id={ids.apiKey}
              data-testid="settings-api-key"
              type="password"
              autoComplete="off"
              spellCheck={false}
              placeholder={hasStoredKey ? 'New key' : 'sk-… (leave empty for local servers)'}
              aria-describedby={ids.keyHelp}
              value={values.apiKey}
              onChange={(e) => update({ apiKey: e.target.value })}
            />
            {hasStoredKey && (
              <button type="button" className="button button-small" onClick={() => setKeyMode('keep')}>
                Keep stored key
              </button>
            )}
          </div>
        )}
        <p className="field-help" id={ids.keyHelp}>
          Kept in your system keychain, never written to a file and never shown again.
        </p>
      </div>

      <div className="form-actions">
        <button
          type="button"
          className="button"
          data-testid="settings-test"
          disabled={test.kind === 'testing'}
          onClick={() => void runTest()}
        >
          {test.kind === 'testing' && <Loader2 size={14} className="spin" aria-hidden />}
          Test connection
        </button>
        <button type="submit" className="button button-primary" data-testid="settings-save" disabled={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>

      {test.kind !== 'idle' && (
        <div
          className={`test-result ${test.kind}`}
          data-testid="settings-test-result"
          data-ok={test.kind === 'ok' ? 'true' : test.kind === 'failed' ? 'false' : undefined}
          role="status"
        >
          {test.kind === 'testing' && <span>Testing the connection…</span>}
          {test.kind === 'ok' && (
            <>
              <p>
                <CheckCircle2 size={15} aria-hidden /> Connected.{' '}
                {test.models.length === 0
                  ? 'The server did not list any models; type the model name yourself.'
                  : `The server offers ${test.models.length} model${test.models.length === 1 ? '' : 's'} — pick one:`}
              </p>
              {test.models.length > 0 && (
                <ul className="model-chips" aria-label="Available models">
                  {test.models.slice(0, 30).map((m) => (
                    <li key={m}>
                      <button
                        type="button"
                        className={m === values.model ? 'chip selected' : 'chip'}
                        aria-pressed={m === values.model}
                        onClick={() => update({ model: m })}
                      >
                        {m}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
          {test.kind === 'failed' && (
            <p>
              <XCircle size={15} aria-hidden /> {test.message}
            </p>
          )}
        </div>
      )}

      {error && (
        <p className="inline-error" data-testid="settings-error" role="alert">
          {error}
        </p>
      )}
      {saved && (
        <div className="saved-note" data-testid="settings-saved" role="status">
          <CheckCircle2 size={15} aria-hidden />
          <span>Saved. {stored?.model ? `Cell 0 will use ${stored.model}.` : ''}</span>
          <button
            type="button"
            className="button button-small"
            onClick={() => useUi.getState().setView('chat')}
          >
            Start chatting
          </button>
        </div>
      )}
    </form>
  );
}
