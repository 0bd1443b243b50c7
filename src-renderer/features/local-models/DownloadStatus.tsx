import { Pause, Play, RotateCcw } from 'lucide-react';
import { useState } from 'react';
import type { LocalModel } from '../../../src-main/core/protocol/index.js';
import { errorMessage } from '../../lib/client.js';
import { progressText } from '../../lib/local-model-format.js';
import { pauseModel, pullModel } from './actions.js';

/**
 * A download as it goes: a progress bar with bytes, speed and time left, Pause and Resume, and
 * the error in words with a Retry when it failed.
 */
export function DownloadStatus({ model }: { model: LocalModel }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const resume = () =>
    act(() => pullModel({ name: model.name, ...(model.checksumPublished ? {} : { source: model.source }) }));
  const p = model.progress;
  return (
    <div className="local-download" data-testid="local-download" data-state={model.state}>
      {(model.state === 'downloading' || model.state === 'paused' || model.state === 'verifying') && (
        <div className="local-download-bar">
          <progress
            aria-label={`Download of ${model.label || model.name}`}
            max={p?.totalBytes ?? model.sizeBytes ?? undefined}
            value={
              model.state === 'verifying' ? (model.sizeBytes ?? undefined) : (p?.receivedBytes ?? undefined)
            }
          />
          <span className="muted" data-testid="local-download-progress" aria-live="polite">
            {model.state === 'verifying'
              ? 'Checking the SHA-256…'
              : model.state === 'paused'
                ? 'Paused — resume continues where it stopped'
                : p
                  ? progressText(p)
                  : 'Starting…'}
          </span>
        </div>
      )}
      {model.state === 'downloading' && (
        <button
          type="button"
          className="button button-small"
          data-testid="local-download-pause"
          disabled={busy}
          onClick={() => void act(() => pauseModel(model.name))}
        >
          <Pause size={13} aria-hidden /> Pause
        </button>
      )}
      {model.state === 'paused' && (
        <button
          type="button"
          className="button button-small"
          data-testid="local-download-resume"
          disabled={busy}
          onClick={() => void resume()}
        >
          <Play size={13} aria-hidden /> Resume
        </button>
      )}
      {model.state === 'failed' && (
        <>
          <p className="inline-error" role="alert" data-testid="local-download-error">
            {model.error?.message ?? 'The download failed.'}
          </p>
          <button
            type="button"
            className="button button-small"
            data-testid="local-download-retry"
            disabled={busy}
            onClick={() => void resume()}
          >
            <RotateCcw size={13} aria-hidden /> Retry
          </button>
        </>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
