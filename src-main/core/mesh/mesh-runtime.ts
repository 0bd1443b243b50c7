import type { Libp2p, PeerId } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import type { Logger } from '../base/logger.js';
import { Cell0Error } from '../protocol/errors.js';
import type { KeyRotation } from '../protocol/entities.js';
import type { MeshPeer } from '../protocol/mesh-entities.js';
import { CAPS_PROTOCOL, type Capabilities } from './capabilities.js';
import { ROTATE_PROTOCOL, UNPAIR_PROTOCOL, type KeyNotices } from './key-notices.js';
import type { Signer } from './envelope.js';
import type { MeshKey } from './mesh-key.js';
import { createMeshNode } from './mesh-node.js';
import { PAIR_PROTOCOL, type Pairings } from './pairing.js';
import type { PeerDirectory } from './peer-directory.js';
import { keyOfPeer } from './peer-ids.js';
import { protocolService, type MeshHandler, type ProtocolLimits } from './protocol-service.js';
import { WORK_PROTOCOL } from './work-messages.js';
import type { WorkHost } from './work-host.js';
import { Channel } from './wire.js';
import { DEFAULT_TIMING, type MeshTiming } from './mesh-timing.js';

export { DEFAULT_TIMING, type MeshTiming };

export interface MeshRuntimeDeps {
  key: MeshKey;
  listen: string[];
  mdns: boolean;
  timing: MeshTiming;
  logger: Logger;
  directory: PeerDirectory;
  pairings: Pairings;
  capabilities: Capabilities;
  notices: KeyNotices;
  host: WorkHost;
}

const quick = (idleMs: number): ProtocolLimits => ({ maxInboundStreams: 4, maxOutboundStreams: 4, idleMs });

/**
 * One running libp2p node and what it does: the mesh protocols registered as services, peers
 * found by mDNS recorded as seen, paired peers kept connected (dialled again while away) and
 * their capabilities refreshed. A new one is made for each start (and for a new key).
 */
export class MeshRuntime {
  private node: Libp2p | null = null;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(private readonly deps: MeshRuntimeDeps) {}

  get publicKey(): string {
    return this.deps.key.publicKey;
  }

  /** Signs as the key this node runs as (until a rotation restarts it as the next one). */
  get signer(): Signer {
    return this.deps.key;
  }

  async start(): Promise<void> {
    const { deps } = this;
    const service = (protocol: string, handler: MeshHandler, limits: ProtocolLimits) =>
      protocolService(protocol, handler, limits, deps.logger);
    const node = await createMeshNode({
      key: deps.key,
      listen: deps.listen,
      mdns: deps.mdns,
      mdnsIntervalMs: deps.timing.mdnsIntervalMs,
      livenessMs: deps.timing.livenessMs,
      services: {
        cell0Pair: service(PAIR_PROTOCOL, deps.pairings.handle, {
          maxInboundStreams: 2,
          maxOutboundStreams: 2,
          idleMs: deps.timing.pairingTtlMs + 30_000,
        }),
        cell0Caps: service(CAPS_PROTOCOL, deps.capabilities.handle, quick(15_000)),
        cell0Rotate: service(ROTATE_PROTOCOL, deps.notices.handleRotation, quick(15_000)),
        cell0Unpair: service(UNPAIR_PROTOCOL, deps.notices.handleUnpair, quick(15_000)),
        // A worker's turn may think for minutes between messages; liveness is the connection's ping.
        cell0Work: service(WORK_PROTOCOL, deps.host.handle, {
          maxInboundStreams: 32,
          maxOutboundStreams: 32,
          idleMs: 60 * 60_000,
        }),
      },
    });
    this.node = node;
    node.addEventListener('peer:discovery', (e) => this.discovered(e.detail.id, e.detail.multiaddrs));
    node.addEventListener('connection:open', (e) => {
      const key = keyOfPeer(e.detail.remotePeer);
      if (!key) return;
      const address = e.detail.remoteAddr.toString();
      if (deps.directory.state(key) === null) {
        deps.directory.seen(
          key,
          e.detail.remotePeer.toString(),
          e.detail.direction === 'outbound' ? [address] : [],
          'inbound',
        );
      }
      deps.directory.setOnline(key, true, e.detail.direction === 'outbound' ? address : undefined);
      if (deps.directory.state(key) === 'paired') void this.refresh(key);
    });
    // Identify tells us where a peer listens: what we dial to reach it again later.
    node.addEventListener('peer:identify', (e) => {
      const key = keyOfPeer(e.detail.peerId);
      if (!key || deps.directory.state(key) === null) return;
      const listening = e.detail.listenAddrs
        .map((a) => a.toString())
        .filter((a) => !a.includes('/p2p-circuit'));
      deps.directory.seen(key, e.detail.peerId.toString(), listening, 'inbound');
    });
    node.addEventListener('peer:disconnect', (e) => {
      const key = keyOfPeer(e.detail);
      if (key) deps.directory.setOnline(key, false);
    });
    await node.start();
    this.timers.push(
      setInterval(() => void this.redialAll(), deps.timing.redialMs),
      setInterval(() => void this.refreshAll(), deps.timing.capabilitiesMs),
    );
    void this.redialAll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const node = this.node;
    this.node = null;
    await node?.stop();
    this.deps.key.destroy();
  }

  addresses(): string[] {
    return this.node?.getMultiaddrs().map((a) => a.toString()) ?? [];
  }

  /** Dials an address; resolves with the key of whoever answered (the Noise handshake proved it). */
  async dial(address: Multiaddr, signal?: AbortSignal): Promise<{ publicKey: string; peerId: string }> {
    const node = this.requireNode();
    let connection;
    try {
      connection = await node.dial(address, { signal: signal ?? AbortSignal.timeout(15_000) });
    } catch (err) {
      throw new Cell0Error(
        'PEER_NOT_FOUND',
        `Nothing answered at ${address.toString()}: ${(err as Error).message}`,
      );
    }
    const publicKey = keyOfPeer(connection.remotePeer);
    if (!publicKey) throw new Cell0Error('PEER_NOT_FOUND', 'What answered there is not a Cell 0 instance.');
    const peerId = connection.remotePeer.toString();
    this.deps.directory.seen(publicKey, peerId, [address.toString()], 'manual');
    this.deps.directory.setOnline(publicKey, true, address.toString());
    return { publicKey, peerId };
  }

  async open(peer: string | PeerId | Multiaddr, protocol: string, signal?: AbortSignal): Promise<Channel> {
    const node = this.requireNode();
    const target = typeof peer === 'string' ? await this.peerIdFrom(peer) : peer;
    const stream = await node.dialProtocol(target, protocol, {
      signal: signal ?? AbortSignal.timeout(15_000),
    });
    return new Channel(stream);
  }

  async pair(peerKey: string, peerId: string) {
    const channel = await this.open(peerId, PAIR_PROTOCOL);
    return this.deps.pairings.initiate(channel, peerKey);
  }

  async announceRotation(peer: MeshPeer, rotation: KeyRotation): Promise<void> {
    const channel = await this.open(peer.peerId, ROTATE_PROTOCOL);
    try {
      await this.deps.notices.announceRotation(channel, peer.publicKey, rotation);
    } finally {
      await channel.close();
    }
  }

  async announceUnpair(peer: MeshPeer): Promise<void> {
    const channel = await this.open(peer.peerId, UNPAIR_PROTOCOL, AbortSignal.timeout(5_000));
    try {
      await this.deps.notices.announceUnpair(channel, peer.publicKey);
    } finally {
      await channel.close();
    }
  }

  async hangUp(peerId: string): Promise<void> {
    if (!this.node) return;
    await this.node.hangUp(await this.peerIdFrom(peerId)).catch(() => undefined);
  }

  /** Exchanges capabilities with one paired peer (on connect, and periodically). */
  async refresh(publicKey: string): Promise<void> {
    const peer = this.deps.directory.get(publicKey);
    if (!peer || peer.state !== 'paired' || this.stopped) return;
    try {
      const channel = await this.open(peer.peerId, CAPS_PROTOCOL);
      try {
        await this.deps.capabilities.exchange(channel, publicKey);
      } finally {
        await channel.close();
      }
    } catch (err) {
      if (!this.stopped)
        this.deps.logger.warn(
          `mesh: capabilities of ${peer.name ?? peer.shortFingerprint} not refreshed`,
          err,
        );
    }
  }

  private async refreshAll(): Promise<void> {
    for (const p of this.deps.directory.paired()) if (p.online) await this.refresh(p.publicKey);
  }

  private async redialAll(): Promise<void> {
    for (const p of this.deps.directory.paired()) {
      if (p.online || this.stopped) continue;
      for (const address of p.addresses) {
        if (await this.tryDial(address)) break;
      }
    }
  }

  /**
   * Dials where a paired peer was, without insisting on its old peer id: a peer that rotated its
   * key answers with the new one, and its capabilities carry the chain that proves the succession.
   */
  private async tryDial(address: string): Promise<boolean> {
    if (!this.node) return false;
    try {
      const { multiaddr } = await import('@multiformats/multiaddr');
      const bare = multiaddr(address.replace(/\/p2p\/[^/]+$/, ''));
      await this.node.dial(bare, { signal: AbortSignal.timeout(5_000) });
      return true;
    } catch {
      return false;
    }
  }

  private discovered(id: PeerId, addresses: Multiaddr[]): void {
    const key = keyOfPeer(id);
    if (!key || key === this.deps.key.publicKey) return;
    const list = addresses.map((a) => a.toString());
    this.deps.directory.seen(key, id.toString(), list, 'mdns');
    const state = this.deps.directory.state(key);
    if (state === 'paired' && !this.deps.directory.get(key)?.online && this.node) {
      void this.node.dial(id, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    }
  }

  private async peerIdFrom(text: string): Promise<PeerId> {
    const { peerIdFromString } = await import('@libp2p/peer-id');
    return peerIdFromString(text);
  }

  private requireNode(): Libp2p {
    if (!this.node) throw new Cell0Error('MESH_OFF', 'The mesh is not running.');
    return this.node;
  }
}
