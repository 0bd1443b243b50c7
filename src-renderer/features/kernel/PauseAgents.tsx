import { Pause, Play } from 'lucide-react';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../lib/client.js';
import { useAgents } from '../../stores/agents.js';
import { setAgentsPaused } from './actions.js';

const ERROR_SHOWN_MS = 6000;

/**
 * Holds every agent at its next step (running tools finish) or lets them go on. Hidden until the
 * core has said whether agents are paused: a toggle that guesses could pause when meaning to resume.
 */
export function PauseAgentsButton() {
  const paused = useAgents((s) => s.status?.paused ?? null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!error) return;
    const timer = setTimeout(() => setError(null), ERROR_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [error]);

  if (paused === null) return null;

  async function toggle(next: boolean): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await setAgentsPaused(next);
    } catch (err) {
      setError(`Could not ${next ? 'pause' : 'resume'}: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button
        type="button"
        className={paused ? 'status-button status-attention' : 'status-button status-button-neutral'}
        data-testid="agents-pause-toggle"
        data-paused={paused ? 'true' : 'false'}
        disabled={busy}
        title={
          paused
            ? 'Let every agent continue from where it was held'
            : 'Hold every agent at its next step; running tools finish first'
        }
        aria-label={paused ? 'Resume agents (paused)' : 'Pause agents'}
        onClick={() => void toggle(!paused)}
      >
        {paused ? <Play size={12} aria-hidden /> : <Pause size={12} aria-hidden />}
        {/* The Paused badge beside it says why; the label and title say the rest. */}
        {paused ? 'Resume' : 'Pause agents'}
      </button>
      {error && (
        <span className="stop-all-result failed" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

/** Always visible while paused, so a held agent is never mistaken for a slow one. */
export function PausedBadge() {
  const paused = useAgents((s) => s.status?.paused ?? false);
  if (!paused) return null;
  return (
    <span
      className="status-item status-paused"
      data-testid="status-paused"
      role="status"
      title="Agents are paused: replies and tools wait until you resume them"
    >
      <Pause size={12} aria-hidden />
      Paused
    </span>
  );
}
