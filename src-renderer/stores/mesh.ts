import { create } from 'zustand';
import type { MeshPairing, MeshPeer, MeshStatus } from '../../src-main/core/protocol/index.js';

interface MeshStore {
  status: MeshStatus | null;
  peers: Readonly<Record<string, MeshPeer>>;
  pairings: Readonly<Record<string, MeshPairing>>;
  loadError: string | null;
  setStatus(status: MeshStatus): void;
  setAll(peers: MeshPeer[], pairings: MeshPairing[]): void;
  upsertPeer(peer: MeshPeer): void;
  upsertPairing(pairing: MeshPairing): void;
  dismissPairing(id: string): void;
  setLoadError(message: string | null): void;
}

export const useMesh = create<MeshStore>()((set) => ({
  status: null,
  peers: {},
  pairings: {},
  loadError: null,
  setStatus: (status) => set({ status, loadError: null }),
  setAll: (peers, pairings) =>
    set({
      peers: Object.fromEntries(peers.map((p) => [p.publicKey, p])),
      pairings: Object.fromEntries(pairings.map((p) => [p.id, p])),
    }),
  upsertPeer: (peer) => set((s) => ({ peers: { ...s.peers, [peer.publicKey]: peer } })),
  upsertPairing: (pairing) => set((s) => ({ pairings: { ...s.pairings, [pairing.id]: pairing } })),
  dismissPairing: (id) =>
    set((s) => {
      const pairings = { ...s.pairings };
      delete pairings[id];
      return { pairings };
    }),
  setLoadError: (loadError) => set({ loadError }),
}));
