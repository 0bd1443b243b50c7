import { meshCapabilitiesSchema, type MeshCapabilities } from '../protocol/mesh-entities.js';
import type { Database } from '../storage/database.js';

/** A pinned key: paired, or revoked (unpaired, or rotated away: `replacedBy` names its successor). */
export interface StoredPeer {
  publicKey: string;
  peerId: string;
  name: string | null;
  state: 'paired' | 'revoked';
  addresses: string[];
  via: 'mdns' | 'manual' | 'inbound';
  pairedAt: number | null;
  revokedAt: number | null;
  lastSeen: number | null;
  capabilities: MeshCapabilities | null;
  replacedBy: string | null;
}

interface Row {
  public_key: string;
  peer_id: string;
  name: string | null;
  state: 'paired' | 'revoked';
  addresses: string;
  via: StoredPeer['via'];
  paired_at: number | null;
  revoked_at: number | null;
  last_seen: number | null;
  capabilities: string | null;
  replaced_by: string | null;
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function fromRow(r: Row): StoredPeer {
  const addresses = parseJson(r.addresses);
  return {
    publicKey: r.public_key,
    peerId: r.peer_id,
    name: r.name,
    state: r.state,
    addresses: Array.isArray(addresses) ? addresses.filter((a): a is string => typeof a === 'string') : [],
    via: r.via,
    pairedAt: r.paired_at,
    revokedAt: r.revoked_at,
    lastSeen: r.last_seen,
    capabilities: meshCapabilitiesSchema.safeParse(parseJson(r.capabilities)).data ?? null,
    replacedBy: r.replaced_by,
  };
}

/** The mesh's table: the keys the owner pinned by pairing, and those revoked since. */
export class PeerStore {
  constructor(private readonly db: Database) {}

  async all(): Promise<StoredPeer[]> {
    return (await this.db.all<Row>('SELECT * FROM mesh_peers ORDER BY paired_at')).map(fromRow);
  }

  async get(publicKey: string): Promise<StoredPeer | null> {
    const row = await this.db.get<Row>('SELECT * FROM mesh_peers WHERE public_key = ?', [publicKey]);
    return row ? fromRow(row) : null;
  }

  async pin(peer: Omit<StoredPeer, 'state' | 'revokedAt' | 'replacedBy'>): Promise<void> {
    await this.db.run(
      `INSERT INTO mesh_peers (public_key, peer_id, name, state, addresses, via, paired_at, last_seen, capabilities)
       VALUES (?, ?, ?, 'paired', ?, ?, ?, ?, ?)
       ON CONFLICT(public_key) DO UPDATE SET state = 'paired', name = excluded.name,
         addresses = excluded.addresses, paired_at = excluded.paired_at, revoked_at = NULL,
         replaced_by = NULL, last_seen = excluded.last_seen`,
      [
        peer.publicKey,
        peer.peerId,
        peer.name,
        JSON.stringify(peer.addresses),
        peer.via,
        peer.pairedAt,
        peer.lastSeen,
        peer.capabilities ? JSON.stringify(peer.capabilities) : null,
      ],
    );
  }

  async revoke(publicKey: string, at: number): Promise<void> {
    await this.db.run(
      `UPDATE mesh_peers SET state = 'revoked', revoked_at = ?, capabilities = NULL WHERE public_key = ?`,
      [at, publicKey],
    );
  }

  /** A paired peer's new key takes its place; the old one stays, revoked, pointing at it. */
  async rotate(previousKey: string, next: { publicKey: string; peerId: string }, at: number): Promise<void> {
    await this.db.transaction(async () => {
      const old = await this.get(previousKey);
      if (!old) return;
      await this.pin({ ...old, publicKey: next.publicKey, peerId: next.peerId, capabilities: null });
      await this.db.run(
        `UPDATE mesh_peers SET state = 'revoked', revoked_at = ?, replaced_by = ?, capabilities = NULL
         WHERE public_key = ?`,
        [at, next.publicKey, previousKey],
      );
    });
  }

  async seen(publicKey: string, at: number, addresses: string[] | null): Promise<void> {
    if (addresses) {
      await this.db.run('UPDATE mesh_peers SET last_seen = ?, addresses = ? WHERE public_key = ?', [
        at,
        JSON.stringify(addresses),
        publicKey,
      ]);
    } else {
      await this.db.run('UPDATE mesh_peers SET last_seen = ? WHERE public_key = ?', [at, publicKey]);
    }
  }

  async saveCapabilities(publicKey: string, capabilities: MeshCapabilities, name: string): Promise<void> {
    await this.db.run('UPDATE mesh_peers SET capabilities = ?, name = ? WHERE public_key = ?', [
      JSON.stringify(capabilities),
      name,
      publicKey,
    ]);
  }
}
