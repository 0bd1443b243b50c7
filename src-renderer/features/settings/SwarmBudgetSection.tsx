import { Loader2 } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { BUDGET_FIELDS, budgetOf, draftOf, fieldError, type BudgetDraft } from './swarm-budget-model.js';

/** Settings → Swarms: what one swarm may spend unless its start says otherwise. */
export function SwarmBudgetSection() {
  const [draft, setDraft] = useState<BudgetDraft | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  useEffect(() => {
    let stale = false;
    client()
      .call('settings.getSwarmBudget', {})
      .then(
        (budget) => {
          if (!stale) setDraft(draftOf(budget));
        },
        (err: unknown) => {
          if (!stale) setLoadError(errorMessage(err));
        },
      );
    return () => {
      stale = true;
    };
  }, []);

  const budget = draft ? budgetOf(draft) : null;

  async function save(): Promise<void> {
    if (!budget) return;
    setSaving(true);
    setError(null);
    try {
      setDraft(draftOf(await client().call('settings.setSwarmBudget', budget)));
      setSaved(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <section
      className="settings-section"
      data-testid="settings-section-swarms"
      aria-labelledby={`${id}-title`}
    >
      <h2 id={`${id}-title`}>Swarms</h2>
      <p className="muted">
        What one swarm may spend before it stops with the reason. Start one with <code>/swarm</code> and a
        task in the composer.
      </p>
      {loadError && (
        <p className="inline-error" role="alert">
          Could not load the swarm budget: {loadError}
        </p>
      )}
      {!draft && !loadError && <p className="muted">Loading…</p>}
      {draft && (
        <form
          className="settings-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <div className="swarm-budget-grid">
            {BUDGET_FIELDS.map((field) => {
              const problem = fieldError(field.key, draft[field.key]);
              return (
                <div className="field" key={field.key}>
                  <label htmlFor={`${id}-${field.key}`}>{field.label}</label>
                  <input
                    id={`${id}-${field.key}`}
                    type="number"
                    inputMode={field.integer ? 'numeric' : 'decimal'}
                    min={field.min}
                    max={field.max}
                    step={field.step}
                    data-testid={`swarm-budget-${field.key}`}
                    aria-invalid={problem !== null}
                    aria-describedby={`${id}-${field.key}-help`}
                    value={draft[field.key]}
                    onChange={(e) => {
                      setDraft({ ...draft, [field.key]: e.target.value });
                      setSaved(false);
                    }}
                  />
                  <p
                    className={problem ? 'field-help field-help-error' : 'field-help'}
                    id={`${id}-${field.key}-help`}
                  >
                    {problem ?? field.help}
                  </p>
                </div>
              );
            })}
          </div>
          <button
            type="submit"
            className="button"
            data-testid="swarm-budget-save"
            disabled={!budget || saving}
          >
            {saving && <Loader2 size={13} className="spin" aria-hidden />}
            Save swarm budget
          </button>
          {saved && (
            <p className="memory-saved" role="status">
              Swarm budget saved.
            </p>
          )}
          {error && (
            <p className="inline-error" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
    </section>
  );
}
