import { Fingerprint, KeyRound, Loader2, X } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { MeshPairing, MeshStatus } from '../../../src-main/core/protocol/index.js';
import { errorMessage } from '../../lib/client.js';
import { useMesh } from '../../stores/mesh.js';
import { confirmPairing, rejectPairing } from './actions.js';

/**
 * A pairing in progress: the code both screens show, and the owner's confirmation here — typing
 * the code the other screen shows, or (with Touch ID) comparing it and touching the sensor.
 */
export function PairingCard({
  pairing,
  presence,
}: {
  pairing: MeshPairing;
  presence: MeshStatus['ownerPresence'];
}) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const typed = presence === 'typed';
  const who = pairing.peerName ?? 'another instance';

  useEffect(() => {
    if (pairing.direction === 'inbound') inputRef.current?.focus();
  }, [pairing.direction]);

  async function confirm(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await confirmPairing(pairing.id, typed ? code : undefined);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  if (pairing.state === 'failed') {
    return (
      <div className="mesh-pairing failed" role="alert" data-testid="mesh-pairing" data-state="failed">
        <p>{pairing.error?.message ?? 'The pairing ended.'}</p>
        <button
          type="button"
          className="button button-small"
          onClick={() => useMesh.getState().dismissPairing(pairing.id)}
        >
          Dismiss
        </button>
      </div>
    );
  }
  return (
    <section
      className="mesh-pairing"
      aria-label={`Pairing with ${who}`}
      data-testid="mesh-pairing"
      data-state="waiting"
    >
      <header>
        <KeyRound size={15} aria-hidden />
        <h3>{pairing.direction === 'inbound' ? `${who} asks to pair` : `Pairing with ${who}`}</h3>
      </header>
      <p
        className="mesh-code mono"
        data-testid="mesh-pairing-code"
        aria-label={`Code ${pairing.code.split('').join(' ')}`}
      >
        {pairing.code}
      </p>
      <p className="field-help">
        The other instance shows a code too. Pair only if it is the same, and only with your own instance
        (fingerprint {pairing.peerFingerprint.split(' ').slice(0, 2).join(' ')}…).{' '}
        {pairing.remoteConfirmed ? 'It has confirmed.' : 'It has not confirmed yet.'}
      </p>
      {pairing.localConfirmed ? (
        <p className="saved-note">Confirmed here. Waiting for the other instance.</p>
      ) : (
        <form
          className="mesh-inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void confirm();
          }}
        >
          {typed && (
            <input
              ref={inputRef}
              className="input mono"
              inputMode="numeric"
              autoComplete="off"
              aria-label="The code the other instance shows"
              data-testid="mesh-confirm-code"
              placeholder="123 456"
              value={code}
              maxLength={9}
              onChange={(e) => setCode(e.target.value)}
            />
          )}
          <button
            type="submit"
            className="button button-primary"
            data-testid="mesh-confirm"
            disabled={busy || (typed && code.replace(/\D/g, '').length !== 6)}
          >
            {busy ? (
              <Loader2 size={13} className="spin" aria-hidden />
            ) : (
              !typed && <Fingerprint size={13} aria-hidden />
            )}
            {typed ? 'Confirm' : 'Confirm with Touch ID'}
          </button>
          <button
            type="button"
            className="button button-ghost"
            data-testid="mesh-reject"
            onClick={() =>
              void rejectPairing(pairing.id).catch((err: unknown) => setError(errorMessage(err)))
            }
          >
            <X size={13} aria-hidden />
            Not mine
          </button>
        </form>
      )}
      {error && (
        <p className="field-help field-help-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
