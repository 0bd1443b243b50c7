import { CheckCircle2, Loader2 } from 'lucide-react';
import { useId, useState } from 'react';
import type { Provider, ProviderKind } from '../../../src-main/core/protocol/index.js';
import { ConnectionTestResult } from '../../components/ConnectionTestResult.js';
import { errorMessage } from '../../lib/client.js';
import { useSettings } from '../../stores/settings.js';
import { listModels, saveProvider } from './actions.js';
import { ApiKeyField } from './ApiKeyField.js';
import {
  changeKind,
  defaultLocked,
  initialValues,
  testSkipsStoredKey,
  toSaveParams,
  toTestParams,
  validate,
  type KeyMode,
  type ProviderFormValues,
  type TestState,
} from './provider-form-model.js';
import {
  DEFAULT_BASE_URLS,
  defaultProviderName,
  KIND_LABELS,
  PROVIDER_KIND_OPTIONS,
} from './provider-kinds.js';
import { describeSaveError } from './settings-errors.js';

interface Props {
  /** Null adds a provider. */
  provider: Provider | null;
  onDone(): void;
}

/** Add or edit one provider; Test connection checks what is typed before it is saved. */
export function ProviderEditor({ provider, onDone }: Props) {
  const appDefault = useSettings((s) => s.snapshot?.defaultModel ?? null);
  const [values, setValues] = useState<ProviderFormValues>(() => initialValues(provider, appDefault));
  const [saved, setSaved] = useState<Provider | null>(provider);
  const [test, setTest] = useState<TestState>({ kind: 'idle' });
  const [saving, setSaving] = useState(false);
  const [savedNote, setSavedNote] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = {
    kind: useId(),
    name: useId(),
    url: useId(),
    model: useId(),
    models: useId(),
    makeDefault: useId(),
  };
  const hasStoredKey = saved?.hasApiKey ?? false;

  function update(patch: Partial<ProviderFormValues>): void {
    setValues((v) => ({ ...v, ...patch }));
    setSavedNote(false);
  }

  async function runTest(): Promise<void> {
    setTest({ kind: 'testing' });
    try {
      const { models } = await listModels(toTestParams(values, saved));
      setTest({ kind: 'ok', models: models.map((m) => m.id) });
      if (values.defaultModel.trim() === '' && models[0]) update({ defaultModel: models[0].id });
    } catch (err) {
      setTest({ kind: 'failed', message: errorMessage(err) });
    }
  }

  async function save(): Promise<void> {
    const problem = validate(values);
    setError(problem);
    setSavedNote(false);
    if (problem) return;
    setSaving(true);
    try {
      const result = await saveProvider(toSaveParams(values, saved?.id));
      setSaved(result);
      setValues((v) => ({
        ...v,
        name: result.name,
        baseUrl: result.baseUrl,
        keyMode: result.hasApiKey ? 'keep' : 'replace',
        apiKey: '',
        makeDefault: false,
      }));
      setSavedNote(true);
    } catch (err) {
      setError(describeSaveError(err));
    } finally {
      setSaving(false);
    }
  }

  const models = test.kind === 'ok' ? test.models : [];
  const isDefault = defaultLocked(values, saved, appDefault);
  const defaultUrl = DEFAULT_BASE_URLS[values.kind];

  return (
    <form
      className="settings-form provider-editor"
      aria-label={saved ? `Edit ${saved.name}` : 'Add a provider'}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="field-row">
        <div className="field">
          <label htmlFor={ids.kind}>Kind</label>
          <select
            id={ids.kind}
            data-testid="provider-kind"
            className="select"
            value={values.kind}
            onChange={(e) => {
              setValues((v) => changeKind(v, e.target.value as ProviderKind));
              setTest({ kind: 'idle' });
            }}
          >
            {PROVIDER_KIND_OPTIONS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.name}>Name</label>
          <input
            id={ids.name}
            data-testid="provider-name"
            autoComplete="off"
            placeholder={defaultProviderName(values.kind, values.baseUrl)}
            value={values.name}
            onChange={(e) => update({ name: e.target.value })}
          />
        </div>
      </div>

      <div className="field">
        <label htmlFor={ids.url}>Base URL{defaultUrl ? ' (optional)' : ''}</label>
        <input
          id={ids.url}
          data-testid="provider-base-url"
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder={defaultUrl ?? 'http://127.0.0.1:11434/v1'}
          value={values.baseUrl}
          onChange={(e) => {
            update({ baseUrl: e.target.value });
            setTest({ kind: 'idle' });
          }}
        />
      </div>

      <ApiKeyField
        hasStoredKey={hasStoredKey}
        keyMode={values.keyMode}
        apiKey={values.apiKey}
        placeholder={values.kind === 'openai-compatible' ? 'Leave empty for local servers' : 'sk-…'}
        testId="provider-api-key"
        onKeyMode={(keyMode: KeyMode) => update({ keyMode, apiKey: '' })}
        onApiKey={(apiKey) => update({ apiKey })}
      />

      <div className="field">
        <label htmlFor={ids.model}>Default model</label>
        <input
          id={ids.model}
          data-testid="provider-default-model"
          list={ids.models}
          autoComplete="off"
          spellCheck={false}
          placeholder="Test the connection to list the models"
          value={values.defaultModel}
          onChange={(e) => update({ defaultModel: e.target.value })}
        />
        <datalist id={ids.models}>
          {models.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
        <label className="checkbox" htmlFor={ids.makeDefault}>
          <input
            id={ids.makeDefault}
            type="checkbox"
            checked={isDefault || values.makeDefault}
            disabled={isDefault}
            aria-describedby={isDefault ? `${ids.makeDefault}-help` : undefined}
            onChange={(e) => update({ makeDefault: e.target.checked })}
          />
          Use this model as the app’s default
        </label>
        {isDefault && (
          <p className="field-help" id={`${ids.makeDefault}-help`}>
            It is the app’s default now; choose another under Default model to change that.
          </p>
        )}
      </div>

      <div className="form-actions">
        <button
          type="button"
          className="button"
          data-testid="provider-test"
          disabled={test.kind === 'testing'}
          onClick={() => void runTest()}
        >
          {test.kind === 'testing' && <Loader2 size={14} className="spin" aria-hidden />}
          Test connection
        </button>
        <button type="submit" className="button button-primary" data-testid="provider-save" disabled={saving}>
          {saving ? 'Saving…' : saved ? 'Save' : 'Add provider'}
        </button>
        <button type="button" className="button button-ghost" onClick={onDone}>
          {savedNote ? 'Close' : 'Cancel'}
        </button>
      </div>
      {testSkipsStoredKey(values, saved) && test.kind === 'idle' && (
        <p className="field-help">
          The address changed, so the test cannot use the stored key; paste it again to test with it.
        </p>
      )}

      <ConnectionTestResult test={test} testId="provider-test-result" />

      {error && (
        <p className="inline-error" data-testid="provider-error" role="alert">
          {error}
        </p>
      )}
      {savedNote && saved && (
        <p className="saved-note" data-testid="provider-saved" role="status">
          <CheckCircle2 size={15} aria-hidden />
          <span>
            Saved {saved.name}.{saved.defaultModel ? ` Its default model is ${saved.defaultModel}.` : ''}
          </span>
        </p>
      )}
    </form>
  );
}
