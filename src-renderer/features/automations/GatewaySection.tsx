import { AlertTriangle } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import type { GatewaySettings } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

async function act(work: () => Promise<unknown>, setError: (e: string | null) => void): Promise<void> {
  try {
    await work();
    setError(null);
  } catch (err) {
    setError(errorMessage(err));
  }
}

/** Settings → Gateway: where hooks and paired devices connect; 127.0.0.1 unless the owner opts out. */
export function GatewaySection() {
  const id = useId();
  const [state, setState] = useState<{ settings: GatewaySettings; listening: string | null } | null>(null);
  const [address, setAddress] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    void client()
      .call('gateway.settings', {})
      .then(
        (s) => {
          setState(s);
          setAddress(s.settings.bindAddress);
        },
        (err: unknown) => setError(errorMessage(err)),
      );
  }, []);
  if (!state) return null;
  const exposed = !LOOPBACK.has(address.trim());
  return (
    <section className="settings-section" aria-labelledby={`${id}-h`} data-testid="gateway-section">
      <h2 id={`${id}-h`}>Gateway</h2>
      <p className="muted">
        Webhooks and paired devices connect here. Listening on {state.listening ?? 'nothing yet'}. By default
        only this computer can reach it; put a tunnel or a reverse proxy in front to take deliveries from the
        internet.
      </p>
      <form
        className="automation-form"
        aria-label="Gateway address"
        onSubmit={(e) => {
          e.preventDefault();
          void act(async () => {
            setState(
              await client().call('gateway.setSettings', { ...state.settings, bindAddress: address.trim() }),
            );
            setSaved(true);
          }, setError);
        }}
      >
        <label>
          Listen on address
          <input value={address} onChange={(e) => setAddress(e.target.value)} data-testid="gateway-address" />
        </label>
        <button type="submit" className="button" disabled={address.trim() === state.settings.bindAddress}>
          Save
        </button>
      </form>
      {exposed && (
        <p className="automation-warning" role="alert" data-testid="gateway-warning">
          <AlertTriangle size={14} aria-hidden /> Other machines on that network will reach the gateway. Hooks
          still need their secret and devices their token, but keep it to networks you trust.
        </p>
      )}
      {saved && <p className="muted">Saved: applies the next time Cell 0 starts.</p>}
      {error && (
        <p className="row-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
