import { useId, useState } from 'react';
import type { Memory } from '../../../src-main/core/protocol/index.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { errorMessage } from '../../lib/client.js';
import { useMemory } from '../../stores/memory.js';
import { forgetTopic } from './actions.js';
import { forgotLabel } from './memory-format.js';

/** "Forget everything about …": asks once, then says exactly what went, so nothing vanishes unseen. */
export function ForgetTopic() {
  const [topic, setTopic] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<{ topic: string; forgotten: Memory[] } | null>(null);
  const id = useId();
  const trimmed = topic.trim();
  // Only an embedding model finds a topic by meaning; the built-in (hashed) one matches words.
  const byMeaning = useMemory((s) => s.embedding !== null && !s.embedding.activeId.startsWith('hash-'));

  async function forget(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const forgotten = await forgetTopic(trimmed);
      setResult({ topic: trimmed, forgotten });
      setConfirming(false);
      setTopic('');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="memory-forget" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="memory-subtitle">
        Forget everything about…
      </h2>
      <form
        className="memory-forget-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (trimmed !== '') setConfirming(true);
        }}
      >
        <label className="sr-only" htmlFor={`${id}-topic`}>
          Topic to forget
        </label>
        <input
          id={`${id}-topic`}
          data-testid="memory-forget-topic"
          placeholder="A person, a place, a project…"
          maxLength={200}
          value={topic}
          onChange={(e) => setTopic(e.target.value)}
        />
        <button
          type="submit"
          className="button button-danger-outline"
          data-testid="memory-forget"
          disabled={trimmed === ''}
        >
          Forget
        </button>
      </form>
      <p className="field-help" data-testid="memory-forget-help">
        {byMeaning
          ? 'Deletes the memories that name it or are about it in other words (memory search understands meaning).'
          : 'Deletes the memories that name it, in those words or close spellings. Memory search matches words here: choose an embedding model in Settings → Memory to also catch other words for it.'}
      </p>
      {result && (
        <div className="memory-forgot" data-testid="memory-forgot-result" role="status">
          <p>
            {forgotLabel(result.forgotten.length)}
            {result.forgotten.length === 0
              ? ` — nothing was remembered about “${result.topic}”.`
              : ` about “${result.topic}”:`}
          </p>
          {result.forgotten.length > 0 && (
            <ul>
              {result.forgotten.map((m) => (
                <li key={m.id}>{m.text}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Forget everything about “${trimmed}”?`}
          confirmLabel={busy ? 'Forgetting…' : 'Forget'}
          confirmTestId="memory-forget-confirm"
          busy={busy}
          error={error}
          onConfirm={() => void forget()}
          onCancel={() => {
            setConfirming(false);
            setError(null);
          }}
        >
          <p>
            Every memory that names “{trimmed}”{byMeaning ? ' or is about it in other words' : ''} will be
            deleted from this machine. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
