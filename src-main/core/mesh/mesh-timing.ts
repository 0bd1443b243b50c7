/** How often the mesh's node does what, in a module of its own: the service reads it before the node (and libp2p) loads. */
export interface MeshTiming {
  /** Ping interval of each connection; a peer silent for about twice this is lost. */
  livenessMs: number;
  /** How often paired peers exchange capabilities. */
  capabilitiesMs: number;
  /** How often paired peers that are offline are dialled again. */
  redialMs: number;
  mdnsIntervalMs: number;
  /** How long a pairing waits for both confirmations. */
  pairingTtlMs: number;
}

export const DEFAULT_TIMING: MeshTiming = {
  livenessMs: 5_000,
  capabilitiesMs: 30_000,
  redialMs: 10_000,
  mdnsIntervalMs: 10_000,
  pairingTtlMs: 5 * 60_000,
};
