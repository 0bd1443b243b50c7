import type { MeshPairing, MeshSettings } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import type { Client } from '../../lib/client.js';
import { errorMessage } from '../../lib/client.js';
import { useMesh } from '../../stores/mesh.js';

/** Never throws: a failure lands in the store, where the section offers a retry. */
export async function loadMesh(): Promise<void> {
  try {
    const [status, { peers, pairings }] = await Promise.all([
      client().call('mesh.status', {}),
      client().call('mesh.peers', {}),
    ]);
    useMesh.getState().setStatus(status);
    useMesh.getState().setAll(peers, pairings);
  } catch (err) {
    useMesh.getState().setLoadError(errorMessage(err));
  }
}

export async function configureMesh(change: Partial<MeshSettings>): Promise<void> {
  useMesh.getState().setStatus(await client().call('mesh.configure', change));
}

export async function pair(target: string): Promise<MeshPairing> {
  const { pairing } = await client().call('mesh.pair', { target });
  useMesh.getState().upsertPairing(pairing);
  return pairing;
}

export async function confirmPairing(pairingId: string, code: string | undefined): Promise<void> {
  const { pairing } = await client().call('mesh.confirm', { pairingId, ...(code ? { code } : {}) });
  useMesh.getState().upsertPairing(pairing);
}

export async function rejectPairing(pairingId: string): Promise<void> {
  await client().call('mesh.reject', { pairingId });
}

export async function unpair(peerId: string): Promise<void> {
  const { peer } = await client().call('mesh.unpair', { peer: peerId });
  useMesh.getState().upsertPeer(peer);
}

export function meshListeners(c: Client): (() => void)[] {
  return [
    c.on('mesh.updated', ({ status }) => useMesh.getState().setStatus(status)),
    c.on('mesh.peer', ({ peer }) => {
      const known = peer.publicKey in useMesh.getState().peers;
      useMesh.getState().upsertPeer(peer);
      // A paired key we have not seen may be a peer's rotated one: the list drops its old key.
      if (!known && peer.state === 'paired') void loadMesh();
    }),
    c.on('mesh.pairing', ({ pairing }) => useMesh.getState().upsertPairing(pairing)),
  ];
}
