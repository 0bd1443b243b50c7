import { Pause, Play } from 'lucide-react';
import { useState } from 'react';
import { errorMessage } from '../../lib/client.js';
import { useAgents } from '../../stores/agents.js';
import { setAgentsPaused } from './actions.js';

/**
 * In a reply that is held because agents are paused: says so where the reader is looking, so the
 * wait is not mistaken for a slow model, and lets them resume without finding the status bar.
 */
export function PausedNotice() {
  const paused = useAgents((s) => s.status?.paused ?? false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!paused) return null;

  async function resume(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await setAgentsPaused(false);
    } catch (err) {
      setError(`Could not resume: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="paused-notice" data-testid="paused-notice" role="status">
      <Pause size={13} aria-hidden />
      <span>Agents are paused — this reply waits until you resume them.</span>
      <button
        type="button"
        className="button button-small"
        aria-label="Resume agents"
        disabled={busy}
        onClick={() => void resume()}
      >
        <Play size={12} aria-hidden />
        Resume
      </button>
      {error && (
        <span className="paused-notice-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
