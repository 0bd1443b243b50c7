import type { Logger } from '../base/logger.js';
import { fingerprint, shortFingerprint } from '../identity/fingerprint.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import { Cell0Error } from '../protocol/errors.js';
import { openEnvelope, type Envelope } from './envelope.js';
import type { PeerDirectory } from './peer-directory.js';

/** A peer's message that was not let in: answered with this, and audited. */
export class Refused extends Cell0Error {
  constructor(readonly reason: string) {
    super('REMOTE_REFUSED', reason);
  }
}

const AUDIT_EVERY_MS = 60_000;

function who(publicKey: string): string {
  try {
    return shortFingerprint(fingerprint(publicKey));
  } catch {
    return 'an unknown key';
  }
}

/**
 * The mesh's one door for what peers send, pairing aside: a message is let in only when it is
 * well formed, addressed to this instance, signed by the key the connection authenticated, and
 * that key is pinned and not revoked. Anything else is refused and audited (once a minute per
 * sender and reason, so a noisy stranger cannot fill the log).
 */
export class Gatekeeper {
  private readonly lastAudited = new Map<string, number>();

  constructor(
    private readonly deps: {
      directory: Pick<PeerDirectory, 'state'>;
      audit: Pick<AuditLog, 'append'>;
      logger: Logger;
      /** This instance's key now (it changes with a rotation). */
      me: () => string;
    },
  ) {}

  async admit(raw: unknown, connectionKey: string | null, expected: readonly string[]): Promise<Envelope> {
    const opened = openEnvelope(raw, this.deps.me());
    if (!opened.ok) return this.refuse(connectionKey, 'message', opened.reason);
    const { envelope } = opened;
    if (envelope.from !== connectionKey) {
      return this.refuse(connectionKey, envelope.type, 'signed by another key than the connection');
    }
    if (!expected.includes(envelope.type)) return this.refuse(connectionKey, envelope.type, 'unexpected');
    const state = this.deps.directory.state(envelope.from);
    if (state === 'revoked')
      return this.refuse(envelope.from, envelope.type, 'its key is revoked (unpaired)');
    if (state !== 'paired') return this.refuse(envelope.from, envelope.type, 'it is not paired');
    return envelope;
  }

  async refuse(publicKey: string | null, type: string, reason: string): Promise<never> {
    const key = `${publicKey ?? '?'}|${reason}`;
    const now = Date.now();
    if (now - (this.lastAudited.get(key) ?? 0) >= AUDIT_EVERY_MS) {
      this.lastAudited.set(key, now);
      if (this.lastAudited.size > 1_000) this.lastAudited.clear();
      const from = publicKey ? who(publicKey) : 'an unknown key';
      try {
        await this.deps.audit.append({
          actor: `peer:${from}`,
          kind: 'mesh.refused',
          tool: null,
          args: { type, publicKey },
          outcome: `refused ${type} from ${from}: ${reason}`,
          conversationId: null,
        });
      } catch (err) {
        this.deps.logger.warn('mesh: a refused message could not be audited', err);
      }
    }
    throw new Refused(`Refused: ${reason}.`);
  }
}
