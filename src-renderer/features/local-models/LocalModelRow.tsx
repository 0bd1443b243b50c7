import { Trash2 } from 'lucide-react';
import { useState } from 'react';
import type { LocalModel } from '../../../src-main/core/protocol/index.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { errorMessage } from '../../lib/client.js';
import { formatBytes, stateLabel } from '../../lib/local-model-format.js';
import { removeModel } from './actions.js';
import { DownloadStatus } from './DownloadStatus.js';

/** One model on this computer: what it is, its size and state, its download, and Remove. */
export function LocalModelRow({ model }: { model: LocalModel }) {
  const [confirming, setConfirming] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function remove(): Promise<void> {
    setRemoving(true);
    setError(null);
    try {
      await removeModel(model.name);
      setConfirming(false);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setRemoving(false);
    }
  }

  const facts = [
    model.kind === 'chat' ? 'Chat' : 'Embeddings',
    model.sizeBytes !== null ? formatBytes(model.sizeBytes) : null,
    model.kind === 'chat' && model.supportsTools !== null
      ? model.supportsTools
        ? 'calls tools'
        : 'no tool calls'
      : null,
    model.runtime.contextSize ? `${model.runtime.contextSize.toLocaleString('en')}-token context` : null,
  ].filter(Boolean);

  return (
    <li
      className="provider-row local-model-row"
      data-testid="local-model-row"
      data-model={model.name}
      data-state={model.state}
    >
      <div className="provider-row-main">
        <div className="provider-row-title">
          <strong>{model.label || model.name}</strong>
          <span className="badge" data-testid="local-model-state">
            {stateLabel(model)}
          </span>
          {model.state === 'ready' && !model.checksumPublished && (
            <span className="badge" title={`SHA-256 ${model.sha256 ?? ''}`}>
              No published checksum
            </span>
          )}
        </div>
        <p className="muted local-model-facts">
          <code>{model.name}</code> · {facts.join(' · ')}
        </p>
        {model.state !== 'ready' && <DownloadStatus model={model} />}
      </div>
      <div className="provider-row-actions">
        <button
          type="button"
          className="button button-ghost"
          data-testid="local-model-remove"
          aria-label={`Remove ${model.label || model.name}`}
          onClick={() => setConfirming(true)}
        >
          <Trash2 size={14} aria-hidden /> Remove
        </button>
      </div>
      {confirming && (
        <ConfirmDialog
          title={`Remove ${model.label || model.name}?`}
          confirmLabel={removing ? 'Removing…' : 'Remove'}
          confirmTestId="confirm-delete"
          busy={removing}
          error={error}
          onConfirm={() => void remove()}
          onCancel={() => {
            setConfirming(false);
            setError(null);
          }}
        >
          <p>
            Its file{model.sizeBytes ? ` (${formatBytes(model.sizeBytes)})` : ''} is deleted from this
            computer. Conversations that used it keep their messages; pick another model for them.
          </p>
        </ConfirmDialog>
      )}
    </li>
  );
}
