import { Loader2, Pencil, Trash2 } from 'lucide-react';
import { useState } from 'react';
import type { Provider } from '../../../src-main/core/protocol/index.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ConnectionTestResult } from '../../components/ConnectionTestResult.js';
import { errorMessage } from '../../lib/client.js';
import { listModels, removeProvider } from './actions.js';
import type { TestState } from './provider-form-model.js';
import { KIND_LABELS } from './provider-kinds.js';

interface Props {
  provider: Provider;
  isAppDefault: boolean;
  onEdit(): void;
}

/** One configured provider: what it is, whether a key is stored, and its test / edit / remove. */
export function ProviderRow({ provider, isAppDefault, onEdit }: Props) {
  const [test, setTest] = useState<TestState>({ kind: 'idle' });
  const [confirming, setConfirming] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [removeError, setRemoveError] = useState<string | null>(null);

  async function runTest(): Promise<void> {
    setTest({ kind: 'testing' });
    try {
      const { models } = await listModels({ id: provider.id });
      setTest({ kind: 'ok', models: models.map((m) => m.id) });
    } catch (err) {
      setTest({ kind: 'failed', message: errorMessage(err) });
    }
  }

  async function remove(): Promise<void> {
    setRemoving(true);
    setRemoveError(null);
    try {
      await removeProvider(provider.id);
      setConfirming(false);
    } catch (err) {
      setRemoveError(errorMessage(err));
    } finally {
      setRemoving(false);
    }
  }

  return (
    <li className="provider-row" data-testid="provider-row" data-provider-id={provider.id}>
      <div className="provider-row-main">
        <div className="provider-row-title">
          <strong>{provider.name}</strong>
          <span className="badge">
            {provider.kind === 'local' ? 'On this computer' : KIND_LABELS[provider.kind]}
          </span>
          {provider.local && <span className="badge badge-success">Local</span>}
          {isAppDefault && <span className="badge badge-accent">Default</span>}
        </div>
        <dl className="provider-facts">
          <div>
            <dt>URL</dt>
            <dd>
              <code>{provider.baseUrl}</code>
            </dd>
          </div>
          <div>
            <dt>Key</dt>
            <dd>{provider.hasApiKey ? 'Stored in the keychain' : 'None'}</dd>
          </div>
          <div>
            <dt>Default model</dt>
            <dd>{provider.defaultModel ?? <span className="muted">not set</span>}</dd>
          </div>
        </dl>
      </div>
      <div className="provider-row-actions">
        <button
          type="button"
          className="button button-small"
          data-testid="provider-row-test"
          disabled={test.kind === 'testing'}
          onClick={() => void runTest()}
        >
          {test.kind === 'testing' && <Loader2 size={13} className="spin" aria-hidden />}
          Test
        </button>
        <button
          type="button"
          className="button button-small"
          data-testid="provider-edit"
          aria-label={`Edit ${provider.name}`}
          onClick={onEdit}
        >
          <Pencil size={13} aria-hidden />
          Edit
        </button>
        <button
          type="button"
          className="button button-small"
          data-testid="provider-remove"
          aria-label={`Remove ${provider.name}`}
          onClick={() => setConfirming(true)}
        >
          <Trash2 size={13} aria-hidden />
          Remove
        </button>
      </div>
      {test.kind !== 'idle' && (
        <div className="provider-row-test">
          <ConnectionTestResult test={test} testId="provider-row-test-result" />
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Remove ${provider.name}?`}
          confirmLabel={removing ? 'Removing…' : 'Remove'}
          confirmTestId="confirm-delete"
          busy={removing}
          error={removeError}
          onConfirm={() => void remove()}
          onCancel={() => {
            setConfirming(false);
            setRemoveError(null);
          }}
        >
          <p>
            Cell 0 forgets this provider
            {provider.hasApiKey ? ' and deletes its API key from your keychain' : ''}. Conversations that used
            it keep their messages; they need another model to continue.
          </p>
        </ConfirmDialog>
      )}
    </li>
  );
}
