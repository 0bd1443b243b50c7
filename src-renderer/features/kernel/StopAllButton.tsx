import { OctagonX } from 'lucide-react';
import { useEffect, useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { errorMessage } from '../../lib/client.js';
import { plural } from '../../lib/plural.js';
import { describeStopAll } from '../../lib/tool-wording.js';
import { useKernel } from '../../stores/kernel.js';
import { stopAllAgents } from './actions.js';

const RESULT_SHOWN_MS = 6000;

interface StopAllButtonProps {
  /** Where it sits: the status bar (compact) or the composer's stop area. */
  place: 'statusbar' | 'composer';
}

/** Stops every reply and kills every tool, everywhere; asks first only when tools are running. */
export function StopAllButton({ place }: StopAllButtonProps) {
  const runningTools = useKernel((s) => s.runningTools);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ text: string; failed: boolean } | null>(null);

  useEffect(() => {
    if (!result) return;
    const timer = setTimeout(() => setResult(null), RESULT_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [result]);

  async function stop(): Promise<void> {
    setBusy(true);
    try {
      setResult({ text: describeStopAll(await stopAllAgents()), failed: false });
    } catch (err) {
      setResult({ text: `Could not stop: ${errorMessage(err)}`, failed: true });
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  }

  return (
    <>
      <button
        type="button"
        className={place === 'statusbar' ? 'status-button' : 'button button-small composer-stop-all'}
        data-testid={place === 'statusbar' ? 'stop-all-agents' : 'composer-stop-all'}
        disabled={busy}
        title="Stop every running reply and kill every running tool"
        aria-label="Stop all agents"
        onClick={() => (runningTools > 0 ? setConfirming(true) : void stop())}
      >
        <OctagonX size={12} aria-hidden />
        {/* The status bar is short of room; the label and title say the rest. */}
        {place === 'statusbar' ? 'Stop all' : 'Stop all agents'}
      </button>
      {result && (
        <span
          className={result.failed ? 'stop-all-result failed' : 'stop-all-result'}
          data-testid={place === 'statusbar' ? 'stop-all-result' : undefined}
          role="status"
        >
          {result.text}
        </span>
      )}
      {confirming && (
        <ConfirmDialog
          title="Stop all agents?"
          confirmLabel={busy ? 'Stopping…' : 'Stop all'}
          confirmTestId="confirm-stop-all"
          busy={busy}
          onConfirm={() => void stop()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            {runningTools === 1 ? 'A tool is' : `${plural(runningTools, 'tool')} are`} running. They will be
            killed, and every reply being written stops where it is.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
