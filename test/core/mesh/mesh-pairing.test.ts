import { afterEach, describe, expect, it } from 'vitest';
import type { TestCore } from '../../helpers/core.js';
import { enableMesh, pairCores, pairingEvent, peerEvent, startMeshCore } from '../../helpers/mesh.js';
import type { MeshStatus } from '../../../src-main/core/protocol/mesh-entities.js';

describe('mesh pairing between two instances', () => {
  const cores: TestCore[] = [];
  afterEach(async () => {
    await Promise.all(cores.splice(0).map((c) => c.close()));
  });

  it('shows the same six-digit code on both sides and pins both keys once both owners confirm', async () => {
    const a = await startMeshCore();
    const b = await startMeshCore();
    cores.push(a, b);
    const aStatus = await enableMesh(a, 'laptop');
    const bStatus = await enableMesh(b, 'desktop');
    // The peer id is the identity key itself.
    expect(aStatus.peerId).toMatch(/^12D3KooW/);
    const identity = await a.call('identity.get');
    expect(identity.status === 'ready' && identity.identity.fingerprint).toBe(aStatus.fingerprint);

    const { pairing } = await a.call('mesh.pair', { target: bStatus.addresses[0]! });
    expect(pairing.code).toMatch(/^\d{3} \d{3}$/);
    const inbound = await b.waitFor(pairingEvent((p) => p.direction === 'inbound'));
    expect((inbound.payload as { pairing: { code: string } }).pairing.code).toBe(pairing.code);

    await a.call('mesh.confirm', { code: pairing.code.replace(' ', '') });
    // One side's confirmation pins nothing.
    expect((await a.call('mesh.peers')).peers.find((p) => p.peerId === bStatus.peerId)?.state).toBe('seen');
    await b.call('mesh.confirm', { code: pairing.code });
    await a.waitFor(peerEvent((p) => p.peerId === bStatus.peerId && p.state === 'paired'));
    await b.waitFor(peerEvent((p) => p.peerId === aStatus.peerId && p.state === 'paired'));
    const seenFromB = (await b.call('mesh.peers')).peers.find((p) => p.peerId === aStatus.peerId)!;
    expect(seenFromB.fingerprint).toBe(aStatus.fingerprint);
    expect(seenFromB.name).toBe('laptop');
  });

  it('refuses a wrong code and keeps the pairing waiting', async () => {
    const a = await startMeshCore();
    const b = await startMeshCore();
    cores.push(a, b);
    await enableMesh(a, 'laptop');
    const bStatus = await enableMesh(b, 'desktop');
    const { pairing } = await a.call('mesh.pair', { target: bStatus.addresses[0]! });
    const wrong = pairing.code === '000 000' ? '111 111' : '000 000';
    await expect(a.call('mesh.confirm', { code: wrong })).rejects.toMatchObject({ code: 'PAIRING_FAILED' });
    expect((await a.call('mesh.peers')).pairings[0]?.state).toBe('waiting');
  });

  it('exchanges signed capabilities once paired, and unpairing on one side revokes on both', async () => {
    const a = await startMeshCore();
    const b = await startMeshCore();
    cores.push(a, b);
    const aStatus = await enableMesh(a, 'laptop');
    const bStatus = await enableMesh(b, 'desktop', true);
    await pairCores(a, b);
    const desktop = (await a.call('mesh.peers')).peers.find((p) => p.peerId === bStatus.peerId)!;
    expect(desktop.capabilities).toMatchObject({ name: 'desktop', allowRemoteWork: true });
    expect(desktop.capabilities!.tools.length).toBeGreaterThan(0);

    // Capabilities are re-sent when they change: remote work turned off there shows here at once.
    await b.call('mesh.configure', { allowRemoteWork: false });
    await a.waitFor(
      peerEvent((p) => p.peerId === bStatus.peerId && p.capabilities?.allowRemoteWork === false),
    );

    await a.call('mesh.unpair', { peer: 'desktop' });
    await b.waitFor(peerEvent((p) => p.peerId === aStatus.peerId && p.state === 'revoked'));
    const audit = await b.call('audit.list', { limit: 100 });
    expect(audit.records.some((r) => r.kind === 'mesh.unpair')).toBe(true);
  });

  it('announces a key rotation to paired peers, which verify the signed record and re-pin the new key', async () => {
    const a = await startMeshCore();
    const b = await startMeshCore();
    cores.push(a, b);
    const before = await enableMesh(a, 'laptop');
    await enableMesh(b, 'desktop', true);
    await pairCores(a, b);
    const { state } = await a.call('identity.rotate');
    const nextKey = state.status === 'ready' ? state.identity.publicKey : '';
    const nextPeer = await b.waitFor(peerEvent((p) => p.publicKey === nextKey && p.state === 'paired'));
    expect((nextPeer.payload as { peer: { name: string } }).peer.name).toBe('laptop');
    // The node came back as the new key and the two talk again (capabilities signed by it).
    await a.waitFor(
      (f) =>
        f.event === 'mesh.updated' &&
        (f.payload as { status: { peerId: string; status: string } }).status.peerId !== before.peerId &&
        (f.payload as { status: { status: string } }).status.status === 'running',
    );
    await b.waitFor(
      peerEvent((p) => p.publicKey === nextKey && p.online && p.capabilities !== null),
      20_000,
    );
    const peers = (await b.call('mesh.peers')).peers;
    expect(peers.some((p) => p.peerId === before.peerId)).toBe(false);
    const records = (await b.call('audit.list', { limit: 50 })).records;
    expect(records.some((r) => r.kind === 'mesh.pair' && r.outcome.includes('key rotated'))).toBe(true);
  });
});

describe('the mesh and the identity key', () => {
  it('says why it cannot run while the key is missing from the keychain, and starts once it is back', async () => {
    const { createRequire } = await import('node:module');
    const keytar = createRequire(import.meta.url)('keytar') as {
      getPassword(s: string, a: string): Promise<string | null>;
      setPassword(s: string, a: string, p: string): Promise<void>;
      deletePassword(s: string, a: string): Promise<boolean>;
    };
    const { keychainAccountFor } = await import('../../../src-main/core/identity/identity-service.js');
    const t = await startMeshCore();
    try {
      await enableMesh(t, 'laptop');
      const identity = await t.call('identity.get');
      if (identity.status !== 'ready') throw new Error('identity not ready');
      const account = keychainAccountFor(identity.identity.publicKey);
      const secret = (await keytar.getPassword(t.keychainService, account))!;
      await keytar.deletePassword(t.keychainService, account);
      await t.restart();
      const failed = await t.waitFor(
        (f) => f.event === 'mesh.updated' && (f.payload as { status: MeshStatus }).status.status === 'failed',
      );
      expect((failed.payload as { status: MeshStatus }).status.error?.code).toBe('IDENTITY_UNAVAILABLE');
      await keytar.setPassword(t.keychainService, account, secret);
      expect((await t.call('identity.get')).status).toBe('ready');
      const back = await t.waitFor(
        (f) =>
          f.event === 'mesh.updated' &&
          (f.payload as { status: MeshStatus }).status.status === 'running' &&
          t.events.indexOf(f) > t.events.indexOf(failed),
      );
      expect((back.payload as { status: MeshStatus }).status.peerId).toBe(
        (await t.call('mesh.status')).peerId,
      );
    } finally {
      await t.close();
    }
  });
});

describe('a rotation while a peer is away', () => {
  it('is followed by the peer through the signed chain when the two meet again', async () => {
    const { createServer } = await import('node:net');
    const freePort = () =>
      new Promise<number>((resolve) => {
        const s = createServer().listen(0, '127.0.0.1', () => {
          const { port } = s.address() as { port: number };
          s.close(() => resolve(port));
        });
      });
    // Fixed ports, as on real machines: each finds the other where it was.
    const a = await startMeshCore({ mesh: { listen: [`/ip4/127.0.0.1/tcp/${await freePort()}`] } });
    const b = await startMeshCore({ mesh: { listen: [`/ip4/127.0.0.1/tcp/${await freePort()}`] } });
    try {
      await enableMesh(a, 'laptop');
      await enableMesh(b, 'desktop');
      await pairCores(a, b);
      const mark = b.events.length;
      await b.call('mesh.configure', { enabled: false });
      const { state } = await a.call('identity.rotate');
      const nextKey = state.status === 'ready' ? state.identity.publicKey : '';
      await b.call('mesh.configure', { enabled: true });
      const repinned = await b.waitFor(
        (f) =>
          b.events.indexOf(f) > mark && peerEvent((p) => p.publicKey === nextKey && p.state === 'paired')(f),
        20_000,
      );
      expect((repinned.payload as { peer: { name: string } }).peer.name).toBe('laptop');
      await b.waitFor(
        peerEvent((p) => p.publicKey === nextKey && p.online && p.capabilities !== null),
        20_000,
      );
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);
});
