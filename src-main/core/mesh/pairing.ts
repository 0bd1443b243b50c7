import { randomUUID } from 'node:crypto';
import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import { fingerprint } from '../identity/fingerprint.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import { Cell0Error, isCell0Error, type ErrorShape } from '../protocol/errors.js';
import type { MeshPairing } from '../protocol/mesh-entities.js';
import { openEnvelope, seal, type Envelope, type Signer } from './envelope.js';
import type { PeerDirectory } from './peer-directory.js';
import { peerIdOfKey } from './key-peer-id.js';
import { codesMatch, commitment, newNonce, shortCode, transcript } from './sas.js';
import type { Channel } from './wire.js';

export const PAIR_PROTOCOL = '/cell0/mesh/pair/1.0.0';

/**
 * How the owner shows they are at this instance when confirming a pairing: Touch ID where the
 * desktop has it (they compare the code by eye), or typing the code the other screen shows.
 */
export interface OwnerPresence {
  readonly kind: 'touch-id' | 'typed';
  /** Asks for Touch ID (false: refused or cancelled). Only called when `kind` is 'touch-id'. */
  confirm(reason: string): Promise<boolean>;
}

export const typedPresence: OwnerPresence = { kind: 'typed', confirm: async () => false };

export interface PairingDeps {
  signer: () => Signer;
  name: () => string;
  directory: Pick<PeerDirectory, 'pin' | 'setName'>;
  audit: Pick<AuditLog, 'append'>;
  bus: EventBus;
  logger: Logger;
  presence: OwnerPresence;
  /** How long a pairing waits for both confirmations. */
  ttlMs: number;
  /** A peer's key was just pinned (the two then exchange capabilities). */
  paired: (publicKey: string) => void;
}

interface Session {
  pairing: MeshPairing;
  peerKey: string;
  transcript: string;
  channel: Channel;
  wrongCodes: number;
  timer: NodeJS.Timeout;
  ended: Promise<void>;
  end: () => void;
}

const HANDSHAKE_MS = 15_000;
const MAX_PENDING = 4;
const MAX_WRONG_CODES = 3;

/**
 * Pairing: the two instances exchange nonces (the initiator commits to its own first), both show a
 * six-digit code from both keys and both nonces, and the owner confirms at each one. Only when
 * both confirmations have crossed is the other's key pinned. The channel's keys are the ones the
 * connection authenticated (Noise), so the code compares exactly the keys that will be pinned.
 */
export class Pairings {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly deps: PairingDeps) {}

  list(): MeshPairing[] {
    return [...this.sessions.values()].map((s) => ({ ...s.pairing }));
  }

  /** Starts a pairing over a fresh stream to `peerKey`; resolves once both sides show the code. */
  async initiate(channel: Channel, peerKey: string): Promise<MeshPairing> {
    const me = this.deps.signer();
    if (peerKey === me.publicKey) throw new Cell0Error('PAIRING_FAILED', 'That address is this instance.');
    const nonce = newNonce();
    await channel.send(
      seal(me, peerKey, 'pair.begin', { name: this.deps.name(), commit: commitment(nonce) }),
    );
    const reply = await this.expect(channel, peerKey, ['pair.accept', 'pair.refuse']);
    if (reply.type === 'pair.refuse') {
      throw new Cell0Error('PAIRING_FAILED', `The other instance refused: ${text(reply.body, 'reason')}.`);
    }
    const theirNonce = text(reply.body, 'nonce');
    await channel.send(seal(me, peerKey, 'pair.reveal', { nonce }));
    const hash = transcript({
      initiatorKey: me.publicKey,
      responderKey: peerKey,
      initiatorNonce: nonce,
      responderNonce: theirNonce,
    });
    const session = this.open(channel, peerKey, nameOf(reply.body), hash, 'outbound');
    void this.follow(session);
    return { ...session.pairing };
  }

  /** The responder's side, as the protocol handler: resolves when the pairing has ended. */
  readonly handle = async (channel: Channel, remoteKey: string | null): Promise<void> => {
    if (!remoteKey) return;
    const me = this.deps.signer();
    const begin = await this.expect(channel, remoteKey, ['pair.begin']);
    if (this.pendingCount() >= MAX_PENDING) {
      await channel.send(seal(me, remoteKey, 'pair.refuse', { reason: 'too many pairings are waiting' }));
      return;
    }
    const nonce = newNonce();
    await channel.send(seal(me, remoteKey, 'pair.accept', { name: this.deps.name(), nonce }));
    const reveal = await this.expect(channel, remoteKey, ['pair.reveal']);
    const theirNonce = text(reveal.body, 'nonce');
    if (commitment(theirNonce) !== text(begin.body, 'commit')) {
      throw new Cell0Error('PAIRING_FAILED', 'The other instance did not keep to its commitment.');
    }
    const hash = transcript({
      initiatorKey: remoteKey,
      responderKey: me.publicKey,
      initiatorNonce: theirNonce,
      responderNonce: nonce,
    });
    const session = this.open(channel, remoteKey, nameOf(begin.body), hash, 'inbound');
    await this.follow(session);
  };

  /**
   * The owner's confirmation at this instance. Typed: the code must match. Touch ID: the owner
   * compared the codes by eye and touches the sensor (a code given is still checked).
   */
  async confirm(params: { code?: string | undefined; pairingId?: string | undefined }): Promise<MeshPairing> {
    const session = this.pick(params);
    const typed = this.deps.presence.kind === 'typed';
    if (typed && !params.code) {
      throw new Cell0Error('BAD_PARAMS', 'Type the six-digit code the other instance shows.');
    }
    if (params.code !== undefined && !codesMatch(params.code, session.pairing.code)) {
      session.wrongCodes++;
      if (session.wrongCodes >= MAX_WRONG_CODES) {
        await this.fail(session, 'the code was typed wrong three times', true);
        throw new Cell0Error(
          'PAIRING_FAILED',
          'Wrong code three times: the pairing was cancelled. Start again.',
        );
      }
      throw new Cell0Error(
        'PAIRING_FAILED',
        "That is not the code of this pairing. Check it on the other instance's screen and type it again.",
      );
    }
    if (!typed) {
      const ok = await this.deps.presence.confirm(
        `pair with ${session.pairing.peerName ?? 'another instance'}`,
      );
      if (!ok) throw new Cell0Error('PAIRING_FAILED', 'Touch ID was not confirmed; the pairing still waits.');
    }
    if (session.pairing.state !== 'waiting') return { ...session.pairing };
    session.pairing.localConfirmed = true;
    await session.channel.send(
      seal(this.deps.signer(), session.peerKey, 'pair.confirm', { transcript: session.transcript }),
    );
    this.changed(session);
    if (session.pairing.remoteConfirmed) await this.finish(session);
    return { ...session.pairing };
  }

  async reject(pairingId: string): Promise<void> {
    const session = this.sessions.get(pairingId);
    if (!session) throw new Cell0Error('NOT_FOUND', 'That pairing is not waiting any more.');
    await this.fail(session, 'refused on this instance', true);
  }

  closeAll(): void {
    for (const s of [...this.sessions.values()]) void this.fail(s, 'the mesh stopped', false);
  }

  private pendingCount(): number {
    return [...this.sessions.values()].filter((s) => s.pairing.state === 'waiting').length;
  }

  private pick({ code, pairingId }: { code?: string | undefined; pairingId?: string | undefined }): Session {
    const waiting = [...this.sessions.values()].filter((s) => s.pairing.state === 'waiting');
    if (pairingId) {
      const s = this.sessions.get(pairingId);
      if (!s || s.pairing.state !== 'waiting') {
        throw new Cell0Error('NOT_FOUND', 'That pairing is not waiting any more.');
      }
      return s;
    }
    const byCode = code ? waiting.filter((s) => codesMatch(code, s.pairing.code)) : [];
    if (byCode.length === 1) return byCode[0]!;
    if (waiting.length === 1) return waiting[0]!;
    if (waiting.length === 0) {
      throw new Cell0Error('NOT_FOUND', 'No pairing is waiting. Start one with `cell0 mesh pair ADDRESS`.');
    }
    throw new Cell0Error(
      'PAIRING_FAILED',
      'No waiting pairing has that code. Check the code on the other screen.',
    );
  }

  private open(
    channel: Channel,
    peerKey: string,
    peerName: string | null,
    hash: string,
    direction: MeshPairing['direction'],
  ): Session {
    // A new pairing with the same peer replaces one still waiting.
    for (const s of this.sessions.values()) {
      if (s.peerKey === peerKey && s.pairing.state === 'waiting')
        void this.fail(s, 'replaced by a new pairing', true);
    }
    const now = Date.now();
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const session: Session = {
      pairing: {
        id: randomUUID(),
        peerId: peerIdOfKey(peerKey),
        peerName,
        peerFingerprint: fingerprint(peerKey),
        code: shortCode(hash),
        direction,
        localConfirmed: false,
        remoteConfirmed: false,
        state: 'waiting',
        error: null,
        createdAt: now,
        expiresAt: now + this.deps.ttlMs,
      },
      peerKey,
      transcript: hash,
      channel,
      wrongCodes: 0,
      timer: setTimeout(() => void this.fail(session, 'it was not confirmed in time', true), this.deps.ttlMs),
      ended,
      end,
    };
    this.sessions.set(session.pairing.id, session);
    if (peerName) this.deps.directory.setName(peerKey, peerName);
    this.changed(session);
    return session;
  }

  /** Reads the other side's confirmation or refusal until the pairing ends. */
  private async follow(session: Session): Promise<void> {
    try {
      for (;;) {
        const raw = await session.channel.receive();
        if (raw === null) {
          if (session.pairing.state === 'waiting')
            await this.fail(session, 'the other instance went away', false);
          break;
        }
        const opened = openEnvelope(raw, this.deps.signer().publicKey);
        if (!opened.ok || opened.envelope.from !== session.peerKey) continue;
        const { type, body } = opened.envelope;
        if (type === 'pair.reject') {
          await this.fail(session, `refused on the other instance (${text(body, 'reason')})`, false);
          break;
        }
        if (type === 'pair.confirm' && text(body, 'transcript') === session.transcript) {
          session.pairing.remoteConfirmed = true;
          this.changed(session);
          if (session.pairing.localConfirmed) await this.finish(session);
        }
      }
    } catch (err) {
      if (session.pairing.state === 'waiting') await this.fail(session, 'the connection was lost', false);
      if (!isCell0Error(err)) this.deps.logger.warn('mesh: pairing stream failed', err);
    } finally {
      session.end();
    }
    await session.ended;
  }

  private async finish(session: Session): Promise<void> {
    if (session.pairing.state !== 'waiting') return;
    clearTimeout(session.timer);
    session.pairing.state = 'paired';
    await this.deps.directory.pin(session.peerKey, session.pairing.peerId, session.pairing.peerName);
    await this.deps.audit.append({
      actor: 'owner',
      kind: 'mesh.pair',
      tool: null,
      args: { publicKey: session.peerKey },
      outcome: `paired with ${session.pairing.peerName ?? 'a peer'} (fingerprint ${session.pairing.peerFingerprint.slice(0, 11)})`,
      conversationId: null,
    });
    this.changed(session);
    this.sessions.delete(session.pairing.id);
    await session.channel.close();
    this.deps.paired(session.peerKey);
  }

  private async fail(session: Session, reason: string, tellPeer: boolean): Promise<void> {
    if (session.pairing.state !== 'waiting') return;
    clearTimeout(session.timer);
    session.pairing.state = 'failed';
    session.pairing.error = {
      code: 'PAIRING_FAILED',
      message: `The pairing ended: ${reason}.`,
    } satisfies ErrorShape;
    this.changed(session);
    this.sessions.delete(session.pairing.id);
    if (tellPeer) {
      await session.channel
        .send(seal(this.deps.signer(), session.peerKey, 'pair.reject', { reason }))
        .catch(() => undefined);
      await session.channel.close();
    } else {
      session.channel.abort(reason);
    }
  }

  private changed(session: Session): void {
    this.deps.bus.emit('mesh.pairing', { pairing: { ...session.pairing } });
  }

  private async expect(channel: Channel, peerKey: string, types: string[]): Promise<Envelope> {
    const raw = await channel.receive(AbortSignal.timeout(HANDSHAKE_MS));
    if (raw === null) throw new Cell0Error('PAIRING_FAILED', 'The other instance closed the pairing.');
    const opened = openEnvelope(raw, this.deps.signer().publicKey);
    if (!opened.ok || opened.envelope.from !== peerKey || !types.includes(opened.envelope.type)) {
      throw new Cell0Error('PAIRING_FAILED', 'The other instance sent something that is not a pairing step.');
    }
    return opened.envelope;
  }
}

function text(body: unknown, field: string): string {
  const value = (body as Record<string, unknown> | null)?.[field];
  return typeof value === 'string' ? value.slice(0, 200) : '';
}

function nameOf(body: unknown): string | null {
  const name = text(body, 'name').trim().slice(0, 60);
  return name || null;
}
