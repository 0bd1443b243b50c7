import { AlertTriangle } from 'lucide-react';
import { useId, useState } from 'react';
import type { MemoryFailure } from '../../../src-main/core/protocol/index.js';
import { errorMessage } from '../../lib/client.js';
import { useMemory } from '../../stores/memory.js';
import { selectConversation } from '../conversations/actions.js';
import { retryConversation } from './actions.js';
import { failureStateLabel, failureTaskLabel } from './memory-format.js';

const NONE: MemoryFailure[] = [];

/**
 * Conversations the memory daemon could not read, with why and a Retry: shown where the owner
 * looks after their memories, so a skipped conversation is never skipped unseen.
 */
export function MemoryFailures() {
  const failures = useMemory((s) => s.daemon?.failures ?? NONE);
  const id = useId();
  if (failures.length === 0) return null;
  return (
    <section className="memory-failures" data-testid="memory-failures" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="memory-subtitle">
        <AlertTriangle size={14} aria-hidden className="memory-failures-icon" />
        {failures.length === 1
          ? 'One conversation could not be read'
          : `${failures.length} conversations could not be read`}
      </h2>
      <p className="muted memory-failures-intro">
        Their messages are kept; nothing has been learned from them yet. Retry once the reason is fixed.
      </p>
      <ul className="memory-failure-list">
        {failures.map((f) => (
          <FailureRow key={f.conversationId} failure={f} />
        ))}
      </ul>
    </section>
  );
}

function FailureRow({ failure }: { failure: MemoryFailure }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function retry(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await retryConversation(failure.conversationId);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <li className="memory-failure" data-testid="memory-failure" data-skipped={failure.skipped}>
      <div className="memory-failure-text">
        <div className="memory-failure-head">
          <button
            type="button"
            className="link-button"
            title="Open this conversation"
            onClick={() => selectConversation(failure.conversationId)}
          >
            {failure.title}
          </button>
          <span className="muted" data-testid="memory-failure-state">
            {failureTaskLabel(failure.task)} · {failureStateLabel(failure)}
          </span>
        </div>
        <p className="memory-failure-reason" data-testid="memory-failure-reason">
          {failure.error.message}
        </p>
        {error && (
          <p className="inline-error" role="alert">
            Retry failed: {error}
          </p>
        )}
      </div>
      <button
        type="button"
        className="button button-small"
        data-testid="memory-failure-retry"
        aria-label={`Retry reading “${failure.title}”`}
        disabled={busy}
        onClick={() => void retry()}
      >
        {busy ? 'Retrying…' : 'Retry'}
      </button>
    </li>
  );
}
