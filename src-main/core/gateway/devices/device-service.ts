import { createHash, createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import type { Clock } from '../../base/clock.js';
import { systemClock } from '../../base/clock.js';
import type { EventBus } from '../../base/event-bus.js';
import type { AuditLog } from '../../kernel/audit/audit-log.js';
import type { Device, DeviceScope } from '../../protocol/device-entities.js';
import { Cell0Error } from '../../protocol/errors.js';
import type { Database } from '../../storage/database.js';

interface DeviceRow {
  id: string;
  name: string;
  public_key: string;
  scope: DeviceScope;
  state: Device['state'];
  code: string;
  token_hash: string | null;
  created_at: number;
  approved_at: number | null;
  last_seen: number | null;
  revoked_at: number | null;
}

/** A request to pair lives this long unapproved. */
const PENDING_MS = 10 * 60_000;
/** At most this many requests wait at once: a flood of them cannot bury a real one. */
const MAX_PENDING = 8;
/** Last seen is written at most this often per device. */
const SEEN_EVERY_MS = 60_000;
/** Letters that cannot be misread for one another. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function makeCode(): string {
  const bytes = randomBytes(6);
  const chars = [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]);
  return `${chars.slice(0, 3).join('')}-${chars.slice(3).join('')}`;
}

function normaliseCode(code: string): string {
  const c = code.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return c.length === 6 ? `${c.slice(0, 3)}-${c.slice(3)}` : c;
}

export function claimMessage(deviceId: string): Buffer {
  return Buffer.from(`cell0-device-claim:${deviceId}`);
}

function toDevice(r: DeviceRow): Device {
  return {
    id: r.id,
    name: r.name,
    scope: r.scope,
    state: r.state,
    code: r.state === 'pending' ? r.code : null,
    fingerprint: sha256(r.public_key)
      .slice(0, 16)
      .replace(/(.{4})(?=.)/g, '$1 '),
    createdAt: r.created_at,
    approvedAt: r.approved_at,
    lastSeen: r.last_seen,
    revokedAt: r.revoked_at,
  };
}

/** Who a device token belongs to, for the gateway's connection. */
export interface DeviceIdentity {
  deviceId: string;
  scope: DeviceScope;
}

/**
 * Paired devices: a program asks with its public key and gets a short code; the owner approves
 * the code in the window; the program proves it holds the key and gets a token of its scope, once.
 * Only the token's hash is stored. Revoking closes the device's connections (the gateway listens).
 */
export class DeviceService {
  /** Token hash → device, for the synchronous check of session.hello. */
  private readonly tokens = new Map<string, DeviceIdentity>();
  /** Tokens approved and not yet picked up: handed out once, by claim. */
  private readonly unclaimed = new Map<string, string>();
  private readonly seenAt = new Map<string, number>();
  private readonly revokedListeners = new Set<(deviceId: string) => void>();

  constructor(private readonly deps: { db: Database; bus: EventBus; audit: AuditLog; clock?: Clock }) {}

  private get now(): number {
    return (this.deps.clock ?? systemClock).now();
  }

  async start(): Promise<void> {
    const rows = await this.deps.db.all<DeviceRow>(
      "SELECT * FROM paired_devices WHERE state = 'paired' AND token_hash IS NOT NULL",
    );
    for (const r of rows) this.tokens.set(r.token_hash!, { deviceId: r.id, scope: r.scope });
  }

  async stop(): Promise<void> {
    this.tokens.clear();
  }

  /** Called by the gateway: a revoked device's sockets are closed. */
  onRevoked(listener: (deviceId: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  /** The device a token belongs to, or null. Synchronous: session.hello answers at once. */
  authenticate(token: string): DeviceIdentity | null {
    if (!token.startsWith('c0d_')) return null;
    const identity = this.tokens.get(sha256(token)) ?? null;
    if (identity) this.seen(identity.deviceId);
    return identity;
  }

  /** Notes the device's activity (written at most once a minute). */
  seen(deviceId: string): void {
    const now = this.now;
    if (now - (this.seenAt.get(deviceId) ?? 0) < SEEN_EVERY_MS) return;
    this.seenAt.set(deviceId, now);
    void this.deps.db
      .run('UPDATE paired_devices SET last_seen = ? WHERE id = ?', [now, deviceId])
      .then(() => this.changed())
      .catch(() => undefined);
  }

  async list(): Promise<Device[]> {
    await this.expire();
    const rows = await this.deps.db.all<DeviceRow>(
      "SELECT * FROM paired_devices WHERE state != 'revoked' OR revoked_at > ? ORDER BY created_at DESC",
      [this.now - 7 * 24 * 3600_000],
    );
    return rows.map(toDevice);
  }

  async pair(
    name: string,
    publicKey: string,
    scope: DeviceScope,
  ): Promise<{ deviceId: string; code: string }> {
    try {
      const key = createPublicKey({ key: Buffer.from(publicKey, 'base64url'), format: 'der', type: 'spki' });
      if (key.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519');
    } catch {
      throw new Cell0Error('PAIRING_FAILED', 'The public key must be an Ed25519 key (SPKI DER, base64url).');
    }
    await this.expire();
    const waiting = await this.deps.db.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM paired_devices WHERE state = 'pending'",
    );
    if ((waiting?.n ?? 0) >= MAX_PENDING) {
      throw new Cell0Error(
        'BUSY',
        'Too many devices wait to be approved. Approve or wait for them to expire.',
      );
    }
    const id = randomUUID();
    const code = makeCode();
    await this.deps.db.run(
      `INSERT INTO paired_devices (id, name, public_key, scope, state, code, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
      [id, name, publicKey, scope, code, this.now],
    );
    await this.changed();
    return { deviceId: id, code };
  }

  async approve(code: string): Promise<Device> {
    await this.expire();
    const row = await this.deps.db.get<DeviceRow>(
      "SELECT * FROM paired_devices WHERE code = ? AND state = 'pending'",
      [normaliseCode(code)],
    );
    if (!row)
      throw new Cell0Error('PAIRING_FAILED', `No device waits with the code ${code}; it may have expired.`);
    const token = `c0d_${randomBytes(32).toString('base64url')}`;
    const hash = sha256(token);
    const now = this.now;
    // Ready to hand out before the row says "paired": a claim polling meanwhile that read the
    // row between the write and these lines found no token and was told it had been refused.
    this.unclaimed.set(row.id, token);
    try {
      await this.deps.db.run(
        "UPDATE paired_devices SET state = 'paired', token_hash = ?, approved_at = ? WHERE id = ?",
        [hash, now, row.id],
      );
    } catch (err) {
      this.unclaimed.delete(row.id);
      throw err;
    }
    this.tokens.set(hash, { deviceId: row.id, scope: row.scope });
    await this.deps.audit.append({
      actor: 'owner',
      kind: 'device.pair',
      tool: null,
      args: { device: row.id, name: row.name, scope: row.scope },
      outcome: `paired ${row.name} (${row.scope})`,
      conversationId: null,
    });
    await this.changed();
    return toDevice({ ...row, state: 'paired', token_hash: hash, approved_at: now });
  }

  async claim(
    deviceId: string,
    signature: string,
  ): Promise<{ state: 'pending' | 'paired' | 'refused'; token: string | null; scope: DeviceScope | null }> {
    const row = await this.deps.db.get<DeviceRow>('SELECT * FROM paired_devices WHERE id = ?', [deviceId]);
    const refused = { state: 'refused' as const, token: null, scope: null };
    if (!row || row.state === 'revoked') return refused;
    const key = createPublicKey({
      key: Buffer.from(row.public_key, 'base64url'),
      format: 'der',
      type: 'spki',
    });
    let valid: boolean;
    try {
      valid = verify(null, claimMessage(deviceId), key, Buffer.from(signature, 'base64url'));
    } catch {
      valid = false;
    }
    if (!valid)
      throw new Cell0Error('SIGNATURE_INVALID', 'That signature is not by the key this device paired with.');
    if (row.state === 'pending') return { state: 'pending', token: null, scope: null };
    const token = this.unclaimed.get(deviceId);
    // Handed out once: a second claim gets nothing (the device keeps its token; a lost one is re-paired).
    if (!token) return refused;
    this.unclaimed.delete(deviceId);
    return { state: 'paired', token, scope: row.scope };
  }

  async revoke(id: string): Promise<Device> {
    const row = await this.deps.db.get<DeviceRow>('SELECT * FROM paired_devices WHERE id = ?', [id]);
    if (!row) throw new Cell0Error('NOT_FOUND', 'No such device.');
    const now = this.now;
    await this.deps.db.run(
      "UPDATE paired_devices SET state = 'revoked', token_hash = NULL, revoked_at = ? WHERE id = ?",
      [now, id],
    );
    if (row.token_hash) this.tokens.delete(row.token_hash);
    this.unclaimed.delete(id);
    if (row.state === 'paired') {
      await this.deps.audit.append({
        actor: 'owner',
        kind: 'device.revoke',
        tool: null,
        args: { device: row.id, name: row.name },
        outcome: `revoked ${row.name}`,
        conversationId: null,
      });
    }
    for (const listener of this.revokedListeners) listener(id);
    await this.changed();
    return toDevice({ ...row, state: 'revoked', token_hash: null, revoked_at: now });
  }

  private async expire(): Promise<void> {
    await this.deps.db.run(
      "UPDATE paired_devices SET state = 'revoked', revoked_at = ? WHERE state = 'pending' AND created_at < ?",
      [this.now, this.now - PENDING_MS],
    );
  }

  private async changed(): Promise<void> {
    this.deps.bus.emit('devices.changed', { devices: await this.list() });
  }
}
