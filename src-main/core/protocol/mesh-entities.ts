import { z } from 'zod';
import { errorShapeSchema } from './frames.js';
import { lazySchema } from './lazy-schema.js';

/**
 * The mesh's node: `off` until the owner turns it on (it never listens on its own), `starting` while
 * it binds and loads the key in the background, `running`, or `failed` with why.
 */
export const MESH_STATUSES = ['off', 'starting', 'running', 'failed'] as const;
export type MeshStatusKind = (typeof MESH_STATUSES)[number];

export const meshSettingsSchema = lazySchema(() =>
  z.object({
    /** Off by default: the instance does not listen, announce itself or dial anyone until the owner says so. */
    enabled: z.boolean(),
    /** Whether paired peers may run swarm workers here (through this instance's own kernel and rules). */
    allowRemoteWork: z.boolean(),
    /** TCP port the node listens on (0: any free port). */
    port: z.number().int().min(0).max(65535),
    /** Announce and look for peers on the local network (mDNS). */
    mdns: z.boolean(),
    /** The name peers see for this instance ("laptop", "desktop"); the host name unless changed. */
    name: z.string().trim().min(1).max(60),
    /** Remote workers this instance runs at once for its peers. */
    maxRemoteWorkers: z.number().int().min(1).max(32),
  }),
);
export type MeshSettings = z.infer<typeof meshSettingsSchema>;

export const DEFAULT_MESH_PORT = 7341;

export const meshStatusSchema = lazySchema(() =>
  z.object({
    status: z.enum(MESH_STATUSES),
    settings: meshSettingsSchema,
    /** The libp2p peer id: the identity key itself (Ed25519), so it changes only with a key rotation. */
    peerId: z.string().nullable(),
    /** Where peers can reach this node (multiaddrs, with the peer id). */
    addresses: z.array(z.string()),
    fingerprint: z.string().nullable(),
    shortFingerprint: z.string().nullable(),
    /** How the owner confirms a pairing here: Touch ID (macOS, where available) or typing the code. */
    ownerPresence: z.enum(['touch-id', 'typed']),
    /** Why the node is not running when it should be. */
    error: errorShapeSchema.nullable(),
  }),
);
export type MeshStatus = z.infer<typeof meshStatusSchema>;

export const meshModelsSchema = lazySchema(() =>
  z.object({
    providerId: z.string(),
    providerName: z.string(),
    /** The provider's kind (openai, anthropic, ollama, lmstudio, openai-compatible). */
    kind: z.string(),
    /** A model server on that machine (Ollama, LM Studio) rather than a cloud API. */
    local: z.boolean(),
    models: z.array(z.string()),
  }),
);

/** What a peer says it offers, signed by its key and refreshed periodically. */
export const meshCapabilitiesSchema = lazySchema(() =>
  z.object({
    name: z.string(),
    providers: z.array(meshModelsSchema),
    /** The kernel tools its workers may call (each call still asks that machine's rules). */
    tools: z.array(z.string()),
    allowRemoteWork: z.boolean(),
    load: z.object({
      /** Agents at work there now (its own chats and swarms, and remote workers). */
      activeAgents: z.number().int().nonnegative(),
      remoteWorkers: z.number().int().nonnegative(),
      maxRemoteWorkers: z.number().int().nonnegative(),
    }),
    issuedAt: z.number(),
  }),
);
export type MeshCapabilities = z.infer<typeof meshCapabilitiesSchema>;

/**
 * A peer: `seen` (discovered or dialled, not paired: it can do nothing but pair), `paired` (its key
 * is pinned) or `revoked` (unpaired: what it signs is refused and audited).
 */
export const MESH_PEER_STATES = ['seen', 'paired', 'revoked'] as const;
export type MeshPeerState = (typeof MESH_PEER_STATES)[number];

export const meshPeerSchema = lazySchema(() =>
  z.object({
    peerId: z.string(),
    /** Raw Ed25519 public key, base64url: what is pinned. */
    publicKey: z.string(),
    fingerprint: z.string(),
    shortFingerprint: z.string(),
    name: z.string().nullable(),
    state: z.enum(MESH_PEER_STATES),
    /** Connected now. */
    online: z.boolean(),
    addresses: z.array(z.string()),
    /** How it was found. */
    via: z.enum(['mdns', 'manual', 'inbound']),
    lastSeen: z.number().nullable(),
    pairedAt: z.number().nullable(),
    /** Its last signed advertisement (paired peers only). */
    capabilities: meshCapabilitiesSchema.nullable(),
  }),
);
export type MeshPeer = z.infer<typeof meshPeerSchema>;

export const MESH_PAIRING_STATES = ['waiting', 'paired', 'failed'] as const;

/** A pairing in progress: the code both screens show, and who has confirmed it. */
export const meshPairingSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    peerId: z.string(),
    peerName: z.string().nullable(),
    peerFingerprint: z.string(),
    /** The short authentication string, from both keys and both sides' nonces: six digits, "123 456". */
    code: z.string(),
    /** Who started it: this instance (`outbound`) or the peer. */
    direction: z.enum(['outbound', 'inbound']),
    localConfirmed: z.boolean(),
    remoteConfirmed: z.boolean(),
    state: z.enum(MESH_PAIRING_STATES),
    error: errorShapeSchema.nullable(),
    createdAt: z.number(),
    expiresAt: z.number(),
  }),
);
export type MeshPairing = z.infer<typeof meshPairingSchema>;

/** Where a swarm agent runs: this instance (peerId null) or a paired peer. */
export const swarmMachineSchema = lazySchema(() =>
  z.object({ peerId: z.string().nullable(), name: z.string() }),
);
export type SwarmMachine = z.infer<typeof swarmMachineSchema>;
