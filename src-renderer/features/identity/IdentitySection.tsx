import { AlertTriangle, Download, Loader2, RefreshCw } from 'lucide-react';
import { useState } from 'react';
import type { Identity } from '../../../src-main/core/protocol/index.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { errorMessage } from '../../lib/client.js';
import { useIdentity } from '../../stores/identity.js';
import { exportIdentityCard, loadIdentity, rotateIdentity } from './actions.js';
import { FingerprintGrid } from './FingerprintGrid.js';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' });

/** "This instance": the key other devices and people use to recognise this Cell 0. */
export function IdentitySection() {
  const state = useIdentity((s) => s.state);
  const loadError = useIdentity((s) => s.loadError);

  let body;
  if (state?.status === 'ready') body = <ReadyIdentity identity={state.identity} />;
  else if (state?.status === 'unavailable' || loadError) {
    body = (
      <UnavailableIdentity message={state?.status === 'unavailable' ? state.error.message : loadError} />
    );
  } else body = <p className="muted">Loading…</p>;

  return (
    <section className="settings-section" aria-labelledby="identity-title">
      <h2 id="identity-title">This instance</h2>
      <p className="muted">
        Each Cell 0 has its own signing key. Its fingerprint is how another device or person confirms they are
        talking to this one.
      </p>
      {body}
    </section>
  );
}

function UnavailableIdentity({ message }: { message: string | null }) {
  const [retrying, setRetrying] = useState(false);
  return (
    <div className="identity-unavailable" data-testid="identity-unavailable" role="alert">
      <AlertTriangle size={16} aria-hidden />
      <p>{message ?? 'The identity is unavailable.'}</p>
      <button
        type="button"
        className="button button-small"
        data-testid="identity-retry"
        disabled={retrying}
        onClick={() => {
          setRetrying(true);
          void loadIdentity().finally(() => setRetrying(false));
        }}
      >
        {retrying && <Loader2 size={13} className="spin" aria-hidden />}
        Try again
      </button>
    </div>
  );
}

function ReadyIdentity({ identity }: { identity: Identity }) {
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [rotating, setRotating] = useState(false);
  const [rotateError, setRotateError] = useState<string | null>(null);
  const [rotated, setRotated] = useState(false);

  async function exportCard(): Promise<void> {
    setExporting(true);
    setExportError(null);
    try {
      await exportIdentityCard();
    } catch (err) {
      setExportError(errorMessage(err));
    } finally {
      setExporting(false);
    }
  }

  async function rotate(): Promise<void> {
    setRotating(true);
    setRotateError(null);
    try {
      await rotateIdentity();
      setConfirming(false);
      setRotated(true);
    } catch (err) {
      setRotateError(errorMessage(err));
    } finally {
      setRotating(false);
    }
  }

  return (
    <div className="identity">
      <FingerprintGrid fingerprint={identity.fingerprint} />
      <p className="field-help">
        Compare these numbers aloud with another device to confirm it is this instance.
      </p>
      <dl className="identity-facts">
        <div>
          <dt>Created</dt>
          <dd data-testid="identity-created">
            <time dateTime={new Date(identity.createdAt).toISOString()}>
              {dateFormat.format(identity.createdAt)}
            </time>
          </dd>
        </div>
        <div>
          <dt>Key last rotated</dt>
          <dd data-testid="identity-rotated">
            {identity.rotatedAt === null ? (
              'Never'
            ) : (
              <>
                <time dateTime={new Date(identity.rotatedAt).toISOString()}>
                  {dateFormat.format(identity.rotatedAt)}
                </time>
                {` (${identity.rotations === 1 ? 'once' : `${identity.rotations} times`})`}
              </>
            )}
          </dd>
        </div>
      </dl>
      <div className="form-actions">
        <button
          type="button"
          className="button"
          data-testid="identity-export"
          disabled={exporting}
          onClick={() => void exportCard()}
        >
          {exporting ? (
            <Loader2 size={14} className="spin" aria-hidden />
          ) : (
            <Download size={14} aria-hidden />
          )}
          Export identity card
        </button>
        <button
          type="button"
          className="button"
          data-testid="identity-rotate"
          onClick={() => {
            setRotated(false);
            setConfirming(true);
          }}
        >
          <RefreshCw size={14} aria-hidden />
          Rotate key…
        </button>
      </div>
      {exportError && (
        <p className="inline-error" role="alert">
          {exportError}
        </p>
      )}
      {rotated && (
        <p className="saved-note" role="status">
          <span>The key was rotated. The fingerprint above is the new one; share a fresh identity card.</span>
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title="Rotate this instance’s key?"
          confirmLabel={rotating ? 'Rotating…' : 'Rotate key'}
          confirmTestId="identity-rotate-confirm"
          busy={rotating}
          error={rotateError}
          onConfirm={() => void rotate()}
          onCancel={() => {
            setConfirming(false);
            setRotateError(null);
          }}
        >
          <p>
            Cell 0 makes a new signing key. The old key signs a record linking it to the new one, so devices
            that knew the old fingerprint can follow the change. The fingerprint changes: confirm it again
            with anyone who checked the old one.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
