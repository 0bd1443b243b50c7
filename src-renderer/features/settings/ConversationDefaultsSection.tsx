import { useEffect, useId, useState } from 'react';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { parseDraft, SettingsFields, toDraft, type Draft } from '../chat/ConversationSettingsPanel.js';

/** Settings → New conversations: what each new chat starts with; its own panel changes it later. */
export function ConversationDefaultsSection() {
  const id = useId();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let stale = false;
    client()
      .call('settings.getConversationDefaults', {})
      .then(
        (s) => !stale && setDraft(toDraft(s)),
        (err: unknown) => !stale && setError(errorMessage(err)),
      );
    return () => {
      stale = true;
    };
  }, []);

  async function save(): Promise<void> {
    if (!draft) return;
    const parsed = parseDraft(draft);
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    setSaving(true);
    setError(null);
    try {
      setDraft(toDraft(await client().call('settings.setConversationDefaults', parsed.settings)));
      setSaved(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setSaved(false);
    setDraft((d) => (d ? { ...d, [key]: value } : d));
  };

  return (
    <section
      className="settings-section"
      data-testid="settings-section-conversations"
      aria-labelledby={`${id}-t`}
    >
      <h2 id={`${id}-t`}>New conversations</h2>
      <p className="muted">
        What every new chat starts with. Each chat’s own settings (the sliders button above it) change it
        afterwards.
      </p>
      {draft && (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <SettingsFields draft={draft} set={set} />
          <div className="dialog-actions">
            {saved && (
              <span className="muted" role="status" data-testid="conversation-defaults-saved">
                Saved
              </span>
            )}
            <button
              type="submit"
              className="button"
              data-testid="conversation-defaults-save"
              disabled={saving}
            >
              {saving ? 'Saving…' : 'Save defaults'}
            </button>
          </div>
        </form>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
