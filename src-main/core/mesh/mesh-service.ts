import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import { fingerprint, shortFingerprint } from '../identity/fingerprint.js';
import type { IdentityService } from '../identity/identity-service.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import { Cell0Error, isCell0Error, type ErrorShape } from '../protocol/errors.js';
import type { EventPayload } from '../protocol/events.js';
import type { PermissionDecision, PermissionRequest } from '../protocol/kernel-entities.js';
import type {
  MeshCapabilities,
  MeshPairing,
  MeshPeer,
  MeshSettings,
  MeshStatus,
} from '../protocol/mesh-entities.js';
import type { Database } from '../storage/database.js';
import type { RemoteWorkers } from '../swarms/swarm-placement.js';
import { looksLikeAddress, resolveAddress } from './addresses.js';
import { Capabilities } from './capabilities.js';
import type { Signer } from './envelope.js';
import { Gatekeeper } from './gatekeeper.js';
import { KeyNotices } from './key-notices.js';
import { MeshKey } from './mesh-key.js';
import type { MeshRuntime } from './mesh-runtime.js';
import { DEFAULT_TIMING, type MeshTiming } from './mesh-timing.js';
import { Pairings, typedPresence, type OwnerPresence } from './pairing.js';
import { PeerDirectory } from './peer-directory.js';
import { peerIdOfKey } from './key-peer-id.js';
import { PeerStore } from './peer-store.js';
import { RelayedPermissions } from './relayed-permissions.js';
import { WorkClient } from './work-client.js';
import { WorkHost, type WorkHostDeps } from './work-host.js';
import { defaultMeshSettings } from './mesh-settings.js';

export interface MeshServiceDeps {
  db: Database;
  bus: EventBus;
  logger: Logger;
  audit: Pick<AuditLog, 'append'>;
  identity: Pick<IdentityService, 'meshKey' | 'state' | 'rotationChain'>;
  settings: { mesh(defaults: MeshSettings): MeshSettings; setMesh(settings: MeshSettings): MeshSettings };
  /** What this instance offers its peers: its providers' chat models and its tools. */
  offer: () => Promise<Pick<MeshCapabilities, 'providers' | 'tools'>>;
  /** Agents at work here now (chats and swarms). */
  activeAgents: () => number;
  /** What a remote worker runs with here. */
  host: Omit<WorkHostDeps, 'signer' | 'gatekeeper' | 'directory' | 'audit' | 'bus' | 'logger' | 'settings'>;
  presence?: OwnerPresence;
  timing?: Partial<MeshTiming>;
  /** Where the node listens (tests: 127.0.0.1); default every interface on the configured port. */
  listen?: string[];
}

/**
 * The mesh: this instance's libp2p node and everything it does for the owner — finding their
 * other instances, pairing with them, advertising what each offers, running swarm workers for
 * them and on them. Off until the owner turns it on; then it starts in the background, so the
 * core is ready at once, and its state (`mesh.updated`) says when it is running or why not.
 */
export class MeshService {
  private readonly directory: PeerDirectory;
  private readonly gatekeeper: Gatekeeper;
  private readonly pairings: Pairings;
  private readonly relay: RelayedPermissions;
  private readonly host: WorkHost;
  readonly workers: RemoteWorkers;
  private readonly timing: MeshTiming;
  private runtime: MeshRuntime | null = null;
  private phase: MeshStatus['status'] = 'off';
  private error: ErrorShape | null = null;
  private transition: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;
  private stopping = false;

  constructor(private readonly deps: MeshServiceDeps) {
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
    this.directory = new PeerDirectory(new PeerStore(deps.db), deps.bus);
    const signer = (): Signer => this.requireRuntime().signer;
    this.gatekeeper = new Gatekeeper({
      directory: this.directory,
      audit: deps.audit,
      logger: deps.logger,
      me: () => this.runtime?.publicKey ?? '',
    });
    this.pairings = new Pairings({
      signer,
      name: () => this.settings().name,
      directory: this.directory,
      audit: deps.audit,
      bus: deps.bus,
      logger: deps.logger,
      presence: deps.presence ?? typedPresence,
      ttlMs: this.timing.pairingTtlMs,
      paired: (publicKey) => void this.runtime?.refresh(publicKey),
    });
    this.relay = new RelayedPermissions(deps.bus);
    this.host = new WorkHost({
      ...deps.host,
      signer,
      gatekeeper: this.gatekeeper,
      directory: this.directory,
      audit: deps.audit,
      bus: deps.bus,
      logger: deps.logger,
      settings: () => this.settings(),
    });
    this.workers = new WorkClient({
      signer,
      gatekeeper: this.gatekeeper,
      directory: this.directory,
      relay: this.relay,
      open: (peerId, protocol, signal) => this.requireRuntime().open(peerId, protocol, signal),
      localName: () => this.settings().name,
      running: () => this.phase === 'running',
    });
  }

  settings(): MeshSettings {
    return this.deps.settings.mesh(defaultMeshSettings());
  }

  /** Fast: loads the pinned peers; the node itself starts in the background when the mesh is on. */
  async start(): Promise<void> {
    await this.directory.load();
    this.unsubscribe = this.deps.bus.subscribe((frame) => {
      if (frame.event === 'identity.updated')
        this.onIdentity(frame.payload as EventPayload<'identity.updated'>);
    });
    if (this.settings().enabled) this.schedule(() => this.up());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.schedule(() => this.down('off'));
    await this.transition;
  }

  status(): MeshStatus {
    const identity = this.deps.identity.state();
    const publicKey = identity.status === 'ready' ? identity.identity.publicKey : null;
    const full = publicKey ? fingerprint(publicKey) : null;
    return {
      status: this.phase,
      settings: this.settings(),
      peerId: publicKey ? peerIdOfKey(publicKey) : null,
      addresses: this.runtime?.addresses() ?? [],
      fingerprint: full,
      shortFingerprint: full ? shortFingerprint(full) : null,
      ownerPresence: (this.deps.presence ?? typedPresence).kind,
      error: this.error,
    };
  }

  /** Changes settings; turning it on or off, or changing how it listens, restarts the node. */
  async configure(change: Partial<MeshSettings>): Promise<MeshStatus> {
    const before = this.settings();
    const next = this.deps.settings.setMesh({ ...before, ...change });
    const restart = next.enabled !== before.enabled || next.port !== before.port || next.mdns !== before.mdns;
    if (restart) {
      this.schedule(() => this.down(next.enabled ? 'starting' : 'off'));
      if (next.enabled) this.schedule(() => this.up());
      await this.transition;
    } else {
      this.announce();
      // Peers hear at once that remote work was turned on or off here.
      void this.refreshPeers();
    }
    return this.status();
  }

  peers(): { peers: MeshPeer[]; pairings: MeshPairing[] } {
    return { peers: this.directory.list(), pairings: this.pairings.list() };
  }

  /** Pairs with a seen peer (by id, fingerprint or name) or an address; resolves with the code shown. */
  async pair(target: string): Promise<MeshPairing> {
    const runtime = await this.ready();
    let peer: { publicKey: string; peerId: string };
    const known = this.tryResolve(target);
    if (known && known.online) peer = known;
    else if (known && known.addresses.length > 0 && !looksLikeAddress(target)) {
      peer = await runtime.dial(await resolveAddress(known.addresses[0]!, this.settings().port));
    } else {
      peer = await runtime.dial(await resolveAddress(target, this.settings().port));
    }
    return runtime.pair(peer.publicKey, peer.peerId);
  }

  async confirm(params: { code?: string | undefined; pairingId?: string | undefined }): Promise<MeshPairing> {
    await this.ready();
    return this.pairings.confirm(params);
  }

  async reject(pairingId: string): Promise<void> {
    await this.pairings.reject(pairingId);
  }

  /** Revokes a peer's key here and tells the peer (when it can be reached), which revokes ours. */
  async unpair(ref: string): Promise<MeshPeer> {
    const peer = this.directory.resolve(ref);
    if (peer.state !== 'paired')
      throw new Cell0Error('PEER_NOT_FOUND', `${peer.name ?? 'That peer'} is not paired.`);
    if (this.runtime && peer.online) {
      await this.runtime.announceUnpair(peer).catch((err: unknown) => {
        this.deps.logger.warn('mesh: the peer could not be told it was unpaired', err);
      });
    }
    const revoked = (await this.directory.revoke(peer.publicKey)) ?? peer;
    await this.deps.audit.append({
      actor: 'owner',
      kind: 'mesh.unpair',
      tool: null,
      args: { publicKey: peer.publicKey },
      outcome: `unpaired ${peer.name ?? 'a peer'} (fingerprint ${peer.fingerprint.slice(0, 11)}); its key is revoked`,
      conversationId: null,
    });
    await this.runtime?.hangUp(peer.peerId);
    return revoked;
  }

  /** Permission cards of remote workers waiting here. */
  relayedPermissions(): PermissionRequest[] {
    return this.relay.pending();
  }

  isRelayed(requestId: string): boolean {
    return this.relay.has(requestId);
  }

  respondRelayed(requestId: string, decision: PermissionDecision): Promise<void> {
    return this.relay.respond(requestId, decision);
  }

  // ------------------------------------------------------------------ lifecycle

  private schedule(step: () => Promise<void>): void {
    this.transition = this.transition
      .then(step)
      .catch((err: unknown) => this.deps.logger.error('mesh failed', err));
  }

  private async up(): Promise<void> {
    if (this.runtime || this.stopping || !this.settings().enabled) return;
    this.setPhase('starting', null);
    let runtime: MeshRuntime | null = null;
    try {
      const key = await MeshKey.fromSeed(this.deps.identity.meshKey());
      runtime = await this.buildRuntime(key);
      await runtime.start();
      this.runtime = runtime;
      this.setPhase('running', null);
      this.deps.logger.info(`mesh running as ${key.peerId} on ${runtime.addresses().join(', ')}`);
    } catch (err) {
      await runtime?.stop().catch(() => undefined);
      const error: ErrorShape = isCell0Error(err)
        ? err.toShape()
        : { code: 'MESH_OFF', message: `The mesh could not start: ${(err as Error).message}` };
      if (!isCell0Error(err)) this.deps.logger.error('mesh could not start', err);
      this.setPhase('failed', error);
    }
  }

  private async down(next: MeshStatus['status']): Promise<void> {
    const runtime = this.runtime;
    this.runtime = null;
    this.pairings.closeAll();
    this.host.stopAll();
    if (runtime) await runtime.stop();
    for (const p of this.directory.list()) if (p.online) this.directory.setOnline(p.publicKey, false);
    this.setPhase(next, null);
  }

  private async buildRuntime(key: MeshKey): Promise<MeshRuntime> {
    // The node's modules (libp2p and its protocols) load when the mesh is turned on, not with the core.
    const { MeshRuntime } = await import('./mesh-runtime.js');
    const settings = this.settings();
    const signer = key;
    const capabilities = new Capabilities({
      signer: () => signer,
      gatekeeper: this.gatekeeper,
      directory: this.directory,
      own: () => this.ownCapabilities(),
      rotations: () => this.deps.identity.rotationChain(),
      rotated: (_previous, next) => void this.runtime?.refresh(next),
    });
    const notices = new KeyNotices({
      signer: () => signer,
      gatekeeper: this.gatekeeper,
      directory: this.directory,
      audit: this.deps.audit,
      rotated: () => undefined,
      unpaired: (publicKey) => {
        const peer = this.directory.get(publicKey);
        if (peer) void this.runtime?.hangUp(peer.peerId);
      },
    });
    return new MeshRuntime({
      key,
      listen: this.deps.listen ?? [`/ip4/0.0.0.0/tcp/${settings.port}`],
      mdns: settings.mdns,
      timing: this.timing,
      logger: this.deps.logger,
      directory: this.directory,
      pairings: this.pairings,
      capabilities,
      notices,
      host: this.host,
    });
  }

  private async ownCapabilities(): Promise<MeshCapabilities> {
    const settings = this.settings();
    const offer = await this.deps.offer();
    return {
      name: settings.name,
      ...offer,
      allowRemoteWork: settings.allowRemoteWork,
      load: {
        activeAgents: this.deps.activeAgents() + this.host.running(),
        remoteWorkers: this.host.running(),
        maxRemoteWorkers: settings.allowRemoteWork ? settings.maxRemoteWorkers : 0,
      },
      issuedAt: Date.now(),
    };
  }

  private async refreshPeers(): Promise<void> {
    const runtime = this.runtime;
    if (!runtime) return;
    for (const p of this.directory.paired()) if (p.online) await runtime.refresh(p.publicKey);
  }

  /**
   * The identity key rotated: paired peers are told with the record both keys signed (while the
   * node still runs as the old key), then the node starts again as the new one. A peer away now
   * follows the chain when it next hears from us.
   */
  private onIdentity({ state }: EventPayload<'identity.updated'>): void {
    // The keychain was unlocked since the node failed for want of the key: try again.
    if (!this.runtime && state.status === 'ready' && this.phase === 'failed' && this.settings().enabled) {
      this.schedule(() => this.up());
      return;
    }
    const runtime = this.runtime;
    if (!runtime || state.status !== 'ready' || state.identity.publicKey === runtime.publicKey) return;
    const previous = runtime.publicKey;
    this.schedule(async () => {
      const chain = await this.deps.identity.rotationChain();
      const rotation = chain.find((r) => r.previousPublicKey === previous);
      if (rotation && this.runtime === runtime) {
        for (const peer of this.directory.paired()) {
          if (!peer.online) continue;
          await runtime.announceRotation(peer, rotation).catch((err: unknown) => {
            this.deps.logger.warn(`mesh: ${peer.name ?? 'a peer'} was not told of the rotation`, err);
          });
        }
      }
      await this.down('starting');
      await this.up();
    });
  }

  private async ready(): Promise<MeshRuntime> {
    await this.transition;
    if (!this.runtime) {
      throw new Cell0Error(
        'MESH_OFF',
        this.settings().enabled
          ? `The mesh is not running: ${this.error?.message ?? 'it is starting'}.`
          : 'The mesh is off. Turn it on in Settings → Mesh (or `cell0 mesh on`).',
      );
    }
    return this.runtime;
  }

  private requireRuntime(): MeshRuntime {
    if (!this.runtime) throw new Cell0Error('MESH_OFF', 'The mesh is not running.');
    return this.runtime;
  }

  private tryResolve(target: string): MeshPeer | null {
    try {
      return this.directory.resolve(target);
    } catch {
      return null;
    }
  }

  private setPhase(phase: MeshStatus['status'], error: ErrorShape | null): void {
    this.phase = phase;
    this.error = error;
    this.announce();
  }

  private announce(): void {
    this.deps.bus.emit('mesh.updated', { status: this.status() });
  }
}
