import { Loader2 } from 'lucide-react';
import { useState } from 'react';
import type { MeshPeer } from '../../../src-main/core/protocol/index.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { errorMessage } from '../../lib/client.js';
import { useMesh } from '../../stores/mesh.js';
import { pair, unpair } from './actions.js';

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Paired peers first (status, capabilities, last seen, Unpair), then those only seen (Pair). */
export function MeshPeerList() {
  const peers = useMesh((s) => s.peers);
  const running = useMesh((s) => s.status?.status === 'running');
  const list = Object.values(peers);
  const paired = list.filter((p) => p.state === 'paired');
  const seen = list.filter((p) => p.state === 'seen');
  return (
    <>
      <h3 className="mesh-subtitle">Paired instances</h3>
      {paired.length === 0 ? (
        <p className="settings-empty muted">
          None yet. Pair with one of yours by its address, or from those seen below.
        </p>
      ) : (
        <ul className="provider-list" data-testid="mesh-paired">
          {paired.map((p) => (
            <PairedRow key={p.publicKey} peer={p} />
          ))}
        </ul>
      )}
      {seen.length > 0 && (
        <>
          <h3 className="mesh-subtitle">Seen, not paired</h3>
          <p className="field-help">They can do nothing here but ask to pair.</p>
          <ul className="provider-list" data-testid="mesh-seen">
            {seen.map((p) => (
              <SeenRow key={p.publicKey} peer={p} canPair={running} />
            ))}
          </ul>
        </>
      )}
    </>
  );
}

function PairedRow({ peer }: { peer: MeshPeer }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const caps = peer.capabilities;
  const models = caps ? [...new Set(caps.providers.flatMap((p) => p.models))] : [];
  return (
    <li
      className="provider-row mesh-peer"
      data-testid="mesh-peer"
      data-peer-id={peer.peerId}
      data-online={peer.online}
    >
      <div className="provider-row-main">
        <div className="provider-row-title">
          <span className="mesh-status" data-state={peer.online ? 'running' : 'off'}>
            <span className="status-dot" aria-hidden />
          </span>
          <strong>{peer.name ?? 'Unnamed instance'}</strong>
          <span className="muted">{peer.online ? 'online' : 'offline'}</span>
        </div>
        <dl className="provider-facts">
          <div>
            <dt>Fingerprint</dt>
            <dd className="mono">{peer.fingerprint}</dd>
          </div>
          <div>
            <dt>Models</dt>
            <dd>{caps ? models.join(', ') || 'none listed' : 'not heard yet'}</dd>
          </div>
          {caps && (
            <div>
              <dt>Load</dt>
              <dd>
                {caps.load.activeAgents} agents at work · remote work{' '}
                {caps.allowRemoteWork
                  ? `on (${caps.load.remoteWorkers}/${caps.load.maxRemoteWorkers})`
                  : 'off'}
              </dd>
            </div>
          )}
          <div>
            <dt>Last seen</dt>
            <dd>{peer.online ? 'now' : peer.lastSeen ? timeFormat.format(peer.lastSeen) : 'never'}</dd>
          </div>
        </dl>
      </div>
      <div className="provider-row-actions">
        <button
          type="button"
          className="button button-small"
          data-testid="mesh-unpair"
          onClick={() => setConfirming(true)}
        >
          Unpair
        </button>
      </div>
      {confirming && (
        <ConfirmDialog
          title={`Unpair ${peer.name ?? 'this instance'}?`}
          confirmLabel="Unpair"
          confirmTestId="mesh-unpair-confirm"
          busy={busy}
          error={error}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setBusy(true);
            unpair(peer.peerId).then(
              () => setConfirming(false),
              (err: unknown) => {
                setError(errorMessage(err));
                setBusy(false);
              },
            );
          }}
        >
          Its key is revoked here and it is told, so it revokes this one too. Pairing again needs the code on
          both screens.
        </ConfirmDialog>
      )}
    </li>
  );
}

function SeenRow({ peer, canPair }: { peer: MeshPeer; canPair: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <li className="provider-row mesh-peer" data-testid="mesh-seen-peer" data-peer-id={peer.peerId}>
      <div className="provider-row-main">
        <div className="provider-row-title">
          <strong>{peer.name ?? 'An instance'}</strong>
          <span className="muted">
            found{' '}
            {peer.via === 'mdns'
              ? 'on this network'
              : peer.via === 'manual'
                ? 'by address'
                : 'when it called'}
          </span>
        </div>
        <p className="field-help mono">
          {peer.shortFingerprint} · {peer.addresses[0] ?? peer.peerId}
        </p>
        {error && (
          <p className="field-help field-help-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="provider-row-actions">
        <button
          type="button"
          className="button button-small"
          data-testid="mesh-pair-seen"
          disabled={!canPair || busy}
          onClick={() => {
            setBusy(true);
            setError(null);
            pair(peer.peerId)
              .catch((err: unknown) => setError(errorMessage(err)))
              .finally(() => setBusy(false));
          }}
        >
          {busy && <Loader2 size={13} className="spin" aria-hidden />}
          Pair
        </button>
      </div>
    </li>
  );
}
