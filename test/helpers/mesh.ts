import type { EventFrame } from '../../src-main/core/protocol/frames.js';
import type { MeshPairing, MeshPeer, MeshStatus } from '../../src-main/core/protocol/mesh-entities.js';
import { startTestCore, type TestCore } from './core.js';

/** Mesh timing for tests on loopback: a lost peer shows within about a second. */
export const FAST_MESH = { livenessMs: 300, capabilitiesMs: 60_000, redialMs: 500, mdnsIntervalMs: 1_000 };

/** A core whose mesh listens on loopback only, without mDNS (nothing leaves this machine). */
export async function startMeshCore(options: Parameters<typeof startTestCore>[0] = {}): Promise<TestCore> {
  return startTestCore({
    flushIntervalMs: 20,
    ...options,
    mesh: { listen: ['/ip4/127.0.0.1/tcp/0'], timing: FAST_MESH, ...options.mesh },
  });
}

export function isRunning(frame: EventFrame): boolean {
  return (
    frame.event === 'mesh.updated' && (frame.payload as { status: MeshStatus }).status.status === 'running'
  );
}

/** Turns the mesh on and waits until its node runs. */
export async function enableMesh(t: TestCore, name: string, allowRemoteWork = false): Promise<MeshStatus> {
  await t.call('mesh.configure', { enabled: true, mdns: false, name, allowRemoteWork });
  await t.waitFor(isRunning);
  return t.call('mesh.status');
}

export function peerEvent(predicate: (peer: MeshPeer) => boolean) {
  return (frame: EventFrame) =>
    frame.event === 'mesh.peer' && predicate((frame.payload as { peer: MeshPeer }).peer);
}

export function pairingEvent(predicate: (pairing: MeshPairing) => boolean) {
  return (frame: EventFrame) =>
    frame.event === 'mesh.pairing' && predicate((frame.payload as { pairing: MeshPairing }).pairing);
}

/** Pairs `a` with `b` through b's address, both confirming with the code; resolves once both pinned. */
export async function pairCores(a: TestCore, b: TestCore): Promise<void> {
  const address = (await b.call('mesh.status')).addresses[0]!;
  const { pairing } = await a.call('mesh.pair', { target: address });
  await b.waitFor(pairingEvent((p) => p.direction === 'inbound' && p.code === pairing.code));
  await a.call('mesh.confirm', { code: pairing.code });
  await b.call('mesh.confirm', { code: pairing.code });
  const aKey = (await a.call('mesh.status')).peerId!;
  const bKey = (await b.call('mesh.status')).peerId!;
  await a.waitFor(peerEvent((p) => p.peerId === bKey && p.state === 'paired' && p.capabilities !== null));
  await b.waitFor(peerEvent((p) => p.peerId === aKey && p.state === 'paired' && p.capabilities !== null));
}
