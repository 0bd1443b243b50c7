import type { EventBus } from '../base/event-bus.js';
import { fingerprint, shortFingerprint } from '../identity/fingerprint.js';
import type { MeshCapabilities, MeshPeer, MeshPeerState } from '../protocol/mesh-entities.js';
import { Cell0Error } from '../protocol/errors.js';
import type { PeerStore, StoredPeer } from './peer-store.js';

interface Entry {
  publicKey: string;
  peerId: string;
  name: string | null;
  state: MeshPeerState;
  online: boolean;
  addresses: string[];
  via: MeshPeer['via'];
  lastSeen: number | null;
  pairedAt: number | null;
  capabilities: MeshCapabilities | null;
  replacedBy: string | null;
}

const MAX_SEEN = 200;

/**
 * Every peer this instance knows: the pinned ones from the store (paired or revoked) and those
 * only seen (discovered, dialled or dialling in), with whether each is connected now. Announces
 * each change as `mesh.peer`.
 */
export class PeerDirectory {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: PeerStore,
    private readonly bus: EventBus,
  ) {}

  async load(): Promise<void> {
    for (const stored of await this.store.all()) this.entries.set(stored.publicKey, fromStored(stored));
  }

  list(): MeshPeer[] {
    return [...this.entries.values()]
      .filter((e) => e.replacedBy === null)
      .map(toPeer)
      .sort((a, b) => stateOrder(a.state) - stateOrder(b.state) || (b.lastSeen ?? 0) - (a.lastSeen ?? 0));
  }

  get(publicKey: string): MeshPeer | null {
    const e = this.entries.get(publicKey);
    return e ? toPeer(e) : null;
  }

  state(publicKey: string): MeshPeerState | null {
    return this.entries.get(publicKey)?.state ?? null;
  }

  paired(): MeshPeer[] {
    return this.list().filter((p) => p.state === 'paired');
  }

  /** A peer named by the owner: its peer id, public key, fingerprint (or its start), or name. */
  resolve(ref: string): MeshPeer {
    const text = ref.trim();
    const digits = text.replace(/\s/g, '');
    const peers = this.list();
    const exact = peers.find((p) => p.peerId === text || p.publicKey === text);
    if (exact) return exact;
    const matches = peers.filter(
      (p) =>
        (digits.length >= 4 && /^\d+$/.test(digits) && p.fingerprint.replace(/\s/g, '').startsWith(digits)) ||
        (p.name !== null && p.name.toLowerCase() === text.toLowerCase()),
    );
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      throw new Cell0Error(
        'PEER_NOT_FOUND',
        `"${text}" matches ${matches.length} peers; give more of the fingerprint, or the peer id.`,
      );
    }
    throw new Cell0Error('PEER_NOT_FOUND', `No peer is called "${text}". \`cell0 mesh peers\` lists them.`);
  }

  /** A peer found by mDNS, dialled by address, or dialling in. Revoked and paired ones keep their state. */
  seen(publicKey: string, peerId: string, addresses: string[], via: MeshPeer['via']): void {
    const now = Date.now();
    const e = this.entries.get(publicKey);
    if (e) {
      if (addresses.length > 0) e.addresses = merge(e.addresses, addresses);
      e.lastSeen = now;
      if (e.state !== 'seen') void this.store.seen(publicKey, now, e.addresses);
      this.announce(e);
      return;
    }
    this.forgetOldestSeen();
    const entry: Entry = {
      publicKey,
      peerId,
      name: null,
      state: 'seen',
      online: false,
      addresses,
      via,
      lastSeen: now,
      pairedAt: null,
      capabilities: null,
      replacedBy: null,
    };
    this.entries.set(publicKey, entry);
    this.announce(entry);
  }

  setOnline(publicKey: string, online: boolean, address?: string): void {
    const e = this.entries.get(publicKey);
    if (!e || (e.online === online && !address)) return;
    e.online = online;
    e.lastSeen = Date.now();
    if (address && online) e.addresses = merge(e.addresses, [address]);
    if (e.state !== 'seen') void this.store.seen(publicKey, e.lastSeen, e.addresses);
    this.announce(e);
  }

  setName(publicKey: string, name: string): void {
    const e = this.entries.get(publicKey);
    if (!e || e.name === name) return;
    e.name = name;
    this.announce(e);
  }

  async pin(publicKey: string, peerId: string, name: string | null): Promise<MeshPeer> {
    const e = this.entries.get(publicKey) ?? {
      publicKey,
      peerId,
      name,
      state: 'seen' as const,
      online: false,
      addresses: [],
      via: 'inbound' as const,
      lastSeen: Date.now(),
      pairedAt: null,
      capabilities: null,
      replacedBy: null,
    };
    Object.assign(e, { state: 'paired', name: name ?? e.name, pairedAt: Date.now(), replacedBy: null });
    await this.store.pin({ ...e, capabilities: null, lastSeen: e.lastSeen });
    this.entries.set(publicKey, e);
    this.announce(e);
    return toPeer(e);
  }

  async revoke(publicKey: string): Promise<MeshPeer | null> {
    const e = this.entries.get(publicKey);
    if (!e) return null;
    e.state = 'revoked';
    e.capabilities = null;
    await this.store.revoke(publicKey, Date.now());
    this.announce(e);
    return toPeer(e);
  }

  /** A paired peer rotated its key: the new key is pinned in its place, the old one revoked. */
  async rotate(previousKey: string, nextKey: string, nextPeerId: string): Promise<MeshPeer | null> {
    const old = this.entries.get(previousKey);
    if (!old || old.state !== 'paired') return null;
    // Taken over before anything is awaited: the same rotation often arrives on several streams at once.
    const before = { ...old };
    const seen = this.entries.get(nextKey);
    const next: Entry = {
      ...old,
      publicKey: nextKey,
      peerId: nextPeerId,
      online: seen?.online ?? false,
      capabilities: null,
    };
    Object.assign(old, { state: 'revoked', online: false, replacedBy: nextKey, capabilities: null });
    this.entries.set(nextKey, next);
    try {
      await this.store.rotate(previousKey, { publicKey: nextKey, peerId: nextPeerId }, Date.now());
    } catch (err) {
      Object.assign(old, before);
      if (seen) this.entries.set(nextKey, seen);
      else this.entries.delete(nextKey);
      throw err;
    }
    this.announce(next);
    return toPeer(next);
  }

  async setCapabilities(publicKey: string, capabilities: MeshCapabilities): Promise<void> {
    const e = this.entries.get(publicKey);
    if (!e || e.state !== 'paired') return;
    e.capabilities = capabilities;
    e.name = capabilities.name;
    e.lastSeen = Date.now();
    await this.store.saveCapabilities(publicKey, capabilities, capabilities.name);
    this.announce(e);
  }

  private forgetOldestSeen(): void {
    const seen = [...this.entries.values()].filter((e) => e.state === 'seen' && !e.online);
    if (seen.length < MAX_SEEN) return;
    seen.sort((a, b) => (a.lastSeen ?? 0) - (b.lastSeen ?? 0));
    this.entries.delete(seen[0]!.publicKey);
  }

  private announce(e: Entry): void {
    if (e.replacedBy === null) this.bus.emit('mesh.peer', { peer: toPeer(e) });
  }
}

function merge(old: string[], more: string[]): string[] {
  return [...new Set([...more, ...old])].slice(0, 8);
}

function stateOrder(state: MeshPeerState): number {
  return state === 'paired' ? 0 : state === 'seen' ? 1 : 2;
}

function fromStored(s: StoredPeer): Entry {
  return { ...s, online: false };
}

function toPeer(e: Entry): MeshPeer {
  const full = fingerprint(e.publicKey);
  return {
    peerId: e.peerId,
    publicKey: e.publicKey,
    fingerprint: full,
    shortFingerprint: shortFingerprint(full),
    name: e.name,
    state: e.state,
    online: e.online,
    addresses: [...e.addresses],
    via: e.via,
    lastSeen: e.lastSeen,
    pairedAt: e.pairedAt,
    capabilities: e.state === 'paired' ? e.capabilities : null,
  };
}
