import { Loader2 } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import type { MethodResult } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { budgetLine } from '../../lib/memory-status-wording.js';
import { useMemory } from '../../stores/memory.js';
import { EmbedderSettings } from './EmbedderSettings.js';
import { PersonaForm } from './PersonaForm.js';

type MemorySettings = MethodResult<'settings.getMemory'>;

/** Settings → Memory & persona: who Cell 0 is, what its memory daemon may spend, and its embedder. */
export function MemorySettingsSection() {
  const [settings, setSettings] = useState<MemorySettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let stale = false;
    client()
      .call('settings.getMemory', {})
      .then(
        (value) => {
          if (!stale) setSettings(value);
        },
        (err: unknown) => {
          if (!stale) setError(errorMessage(err));
        },
      );
    return () => {
      stale = true;
    };
  }, [attempt]);

  let body;
  if (settings) {
    body = (
      <>
        <PersonaForm initial={settings.persona} />
        <BudgetForm initial={settings.tokensPerDay} />
        <EmbedderSettings />
      </>
    );
  } else if (error) {
    body = (
      <div className="inline-error" role="alert">
        <p>Could not load these settings: {error}</p>
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            setError(null);
            setAttempt(attempt + 1);
          }}
        >
          Try again
        </button>
      </div>
    );
  } else {
    body = <p className="muted">Loading…</p>;
  }

  return (
    <section
      className="settings-section"
      data-testid="settings-section-memory"
      aria-labelledby="memory-settings-title"
    >
      <h2 id="memory-settings-title">Memory &amp; persona</h2>
      <p className="muted">
        Who Cell 0 is when it talks with you, and how many tokens its memory daemon may spend each day reading
        your chats to remember what matters.
      </p>
      {body}
    </section>
  );
}

function BudgetForm({ initial }: { initial: number }) {
  const [value, setValue] = useState(String(initial));
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const daemon = useMemory((s) => s.daemon);
  const id = useId();
  const parsed = Number(value);
  const valid = value.trim() !== '' && Number.isInteger(parsed) && parsed >= 0 && parsed <= 100_000_000;

  async function save(): Promise<void> {
    setSaving(true);
    setError(null);
    try {
      useMemory
        .getState()
        .setDaemon(await client().call('settings.setMemoryBudget', { tokensPerDay: parsed }));
      setSaved(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form
      className="settings-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) void save();
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-budget`}>Daily token budget for the memory daemon</label>
        <div className="memory-budget-row">
          <input
            id={`${id}-budget`}
            type="number"
            inputMode="numeric"
            min={0}
            max={100_000_000}
            step={1000}
            data-testid="memory-budget"
            aria-describedby={`${id}-budget-help`}
            aria-invalid={!valid}
            value={value}
            onChange={(e) => {
              setValue(e.target.value);
              setSaved(false);
            }}
          />
          <button
            type="submit"
            className="button"
            data-testid="memory-budget-save"
            disabled={!valid || saving}
          >
            {saving && <Loader2 size={13} className="spin" aria-hidden />}
            Save budget
          </button>
        </div>
        <p className="field-help" id={`${id}-budget-help`}>
          When it is spent, the daemon waits until tomorrow. 0 stops it.
          {daemon && ` Today: ${budgetLine(daemon)}.`}
        </p>
      </div>
      {saved && (
        <p className="memory-saved" role="status">
          Budget saved.
        </p>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
