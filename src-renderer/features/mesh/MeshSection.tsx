import { AlertTriangle, Loader2, Network } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import type { MeshSettings, MeshStatus } from '../../../src-main/core/protocol/index.js';
import { errorMessage } from '../../lib/client.js';
import { useMesh } from '../../stores/mesh.js';
import { SwitchField } from '../settings/SwitchField.js';
import { configureMesh, loadMesh, pair } from './actions.js';
import { MeshPeerList } from './MeshPeerList.js';
import { PairingCard } from './PairingCard.js';

const STATUS_TEXT: Record<MeshStatus['status'], string> = {
  off: 'Off',
  starting: 'Starting…',
  running: 'Running',
  failed: 'Not running',
};

/** Settings → Mesh: this instance on the owner's mesh, the peers it sees, pairing and unpairing. */
export function MeshSection() {
  const status = useMesh((s) => s.status);
  const loadError = useMesh((s) => s.loadError);
  const pairings = useMesh((s) => s.pairings);
  const waiting = Object.values(pairings).filter((p) => p.state !== 'paired');

  return (
    <section className="settings-section mesh" aria-labelledby="mesh-title" data-testid="mesh-section">
      <h2 id="mesh-title">Mesh</h2>
      <p className="muted">
        Your other Cell 0 instances (a desktop with a GPU, a home server) can pair with this one and share
        swarm work. Each pairing is confirmed on both machines; every message between them is signed.
      </p>
      {loadError && !status ? (
        <div className="identity-unavailable" role="alert">
          <AlertTriangle size={16} aria-hidden />
          <p>{loadError}</p>
          <button type="button" className="button button-small" onClick={() => void loadMesh()}>
            Try again
          </button>
        </div>
      ) : !status ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <MeshSwitches status={status} />
          <MeshFacts status={status} />
          {status.status === 'running' && <PairForm />}
          {waiting.map((p) => (
            <PairingCard key={p.id} pairing={p} presence={status.ownerPresence} />
          ))}
          <MeshPeerList />
        </>
      )}
    </section>
  );
}

function MeshSwitches({ status }: { status: MeshStatus }) {
  const [error, setError] = useState<string | null>(null);
  const { settings } = status;
  const change = (patch: Partial<MeshSettings>) => {
    setError(null);
    configureMesh(patch).catch((err: unknown) => setError(errorMessage(err)));
  };
  return (
    <div className="mesh-switches">
      <SwitchField
        id="mesh-enabled"
        testId="mesh-enabled"
        label="Turn on the mesh"
        help={`Off until you turn it on. Then this instance listens on port ${settings.port} and your paired instances can reach it.`}
        checked={settings.enabled}
        errorId={error ? 'mesh-error' : null}
        onChange={(enabled) => change({ enabled })}
      />
      <SwitchField
        id="mesh-remote-work"
        testId="mesh-remote-work"
        label="Allow remote work"
        help={`Paired instances may run up to ${settings.maxRemoteWorkers} swarm workers here at once, through this machine's own kernel and permission rules.`}
        checked={settings.allowRemoteWork}
        errorId={error ? 'mesh-error' : null}
        onChange={(allowRemoteWork) => change({ allowRemoteWork })}
      />
      <SwitchField
        id="mesh-mdns"
        testId="mesh-mdns"
        label="Find instances on this network"
        help="Announce this instance and look for yours on the local network (mDNS). Tailscale and other VPNs do not carry it: pair by address there."
        checked={settings.mdns}
        errorId={error ? 'mesh-error' : null}
        onChange={(mdns) => change({ mdns })}
      />
      {error && (
        <p id="mesh-error" className="field-help field-help-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function MeshFacts({ status }: { status: MeshStatus }) {
  return (
    <dl className="provider-facts mesh-facts">
      <div>
        <dt>Status</dt>
        <dd className="mesh-status" data-state={status.status} data-testid="mesh-status">
          <span className="status-dot" aria-hidden />
          {STATUS_TEXT[status.status]}
          {status.status === 'starting' && <Loader2 size={12} className="spin" aria-hidden />}
          {status.error && <span className="mesh-error-text"> — {status.error.message}</span>}
        </dd>
      </div>
      <div>
        <dt>Name</dt>
        <dd>
          <NameField name={status.settings.name} />
        </dd>
      </div>
      <div>
        <dt>Fingerprint</dt>
        <dd className="mono" data-testid="mesh-fingerprint">
          {status.fingerprint ?? 'Identity not available'}
        </dd>
      </div>
      <div>
        <dt>Addresses</dt>
        <dd className="mono mesh-addresses" data-testid="mesh-addresses">
          {status.addresses.length > 0
            ? status.addresses.map((a) => <span key={a}>{a}</span>)
            : 'Not listening'}
        </dd>
      </div>
    </dl>
  );
}

function NameField({ name }: { name: string }) {
  const [value, setValue] = useState(name);
  const [error, setError] = useState<string | null>(null);
  const dirty = value.trim() !== name && value.trim() !== '';
  return (
    <form
      className="mesh-inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!dirty) return;
        configureMesh({ name: value.trim() }).then(
          () => setError(null),
          (err: unknown) => setError(errorMessage(err)),
        );
      }}
    >
      <input
        className="mesh-name-input"
        aria-label="This instance's name on the mesh"
        data-testid="mesh-name"
        value={value}
        maxLength={60}
        onChange={(e) => setValue(e.target.value)}
      />
      {dirty && (
        <button type="submit" className="button button-small">
          Rename
        </button>
      )}
      {error && <span className="field-help-error">{error}</span>}
    </form>
  );
}

function PairForm() {
  const [target, setTarget] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    if (!target.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      await pair(target.trim());
      setTarget('');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="mesh-pair-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor="mesh-pair-target">Pair with an instance by address</label>
      <div className="key-input-row">
        <input
          id="mesh-pair-target"
          className="input"
          data-testid="mesh-pair-target"
          placeholder="192.168.1.20:7341, desktop.tail1234.ts.net or a multiaddr"
          value={target}
          aria-describedby={error ? 'mesh-pair-error' : 'mesh-pair-help'}
          onChange={(e) => setTarget(e.target.value)}
        />
        <button type="submit" className="button" data-testid="mesh-pair" disabled={busy || !target.trim()}>
          {busy ? <Loader2 size={13} className="spin" aria-hidden /> : <Network size={13} aria-hidden />}
          Pair
        </button>
      </div>
      {error ? (
        <p id="mesh-pair-error" className="field-help field-help-error" role="alert">
          {error}
        </p>
      ) : (
        <p id="mesh-pair-help" className="field-help">
          Instances found on this network are listed below with their own Pair button.
        </p>
      )}
    </form>
  );
}
