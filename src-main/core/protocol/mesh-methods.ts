import { z } from 'zod';
import { meshPairingSchema, meshPeerSchema, meshSettingsSchema, meshStatusSchema } from './mesh-entities.js';
import { lazySchema } from './lazy-schema.js';

/** A peer named by its peer id, its fingerprint (or the start of it), or its name. */
const peerRef = lazySchema(() => z.string().trim().min(1).max(200));

/** The mesh requests: this node, the peers it sees, pairing and unpairing. */
export const meshMethods = {
  'mesh.status': {
    params: lazySchema(() => z.object({}).optional()),
    result: meshStatusSchema,
  },
  /** Turns the node on or off, changes what peers may do here, or renames this instance. */
  'mesh.configure': {
    params: lazySchema(() => meshSettingsSchema.partial()),
    result: meshStatusSchema,
  },
  /** Every peer seen or paired, with pairings in progress. */
  'mesh.peers': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() =>
      z.object({ peers: z.array(meshPeerSchema), pairings: z.array(meshPairingSchema) }),
    ),
  },
  /**
   * Starts pairing with a peer: a seen peer's id, or an address (`host:port`, a MagicDNS name, or a
   * multiaddr). Resolves once both sides show the code.
   */
  'mesh.pair': {
    params: lazySchema(() => z.object({ target: z.string().trim().min(1).max(500) })),
    result: lazySchema(() => z.object({ pairing: meshPairingSchema })),
  },
  /**
   * The owner confirms a pairing at this instance: by typing the code the other screen shows (or,
   * with Touch ID, by comparing it). Without `pairingId`, the one waiting pairing whose code matches.
   */
  'mesh.confirm': {
    params: lazySchema(() =>
      z.object({
        code: z.string().trim().max(20).optional(),
        pairingId: z.string().min(1).max(64).optional(),
      }),
    ),
    result: lazySchema(() => z.object({ pairing: meshPairingSchema })),
  },
  'mesh.reject': {
    params: lazySchema(() => z.object({ pairingId: z.string().min(1).max(64) })),
    result: lazySchema(() => z.object({ ok: z.literal(true) })),
  },
  /** Unpairs a peer: its key is revoked here and the peer is told. */
  'mesh.unpair': {
    params: lazySchema(() => z.object({ peer: peerRef })),
    result: lazySchema(() => z.object({ peer: meshPeerSchema })),
  },
} as const;

export const meshEvents = {
  'mesh.updated': lazySchema(() => z.object({ status: meshStatusSchema })),
  'mesh.peer': lazySchema(() => z.object({ peer: meshPeerSchema })),
  'mesh.pairing': lazySchema(() => z.object({ pairing: meshPairingSchema })),
} as const;
