import { verifyRotation } from '../identity/identity-service.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import { keyRotationSchema, type KeyRotation } from '../protocol/entities.js';
import { Cell0Error } from '../protocol/errors.js';
import { seal, type Signer } from './envelope.js';
import type { Gatekeeper } from './gatekeeper.js';
import type { PeerDirectory } from './peer-directory.js';
import { peerIdOfKey } from './key-peer-id.js';
import type { Channel } from './wire.js';

export const ROTATE_PROTOCOL = '/cell0/mesh/rotate/1.0.0';
export const UNPAIR_PROTOCOL = '/cell0/mesh/unpair/1.0.0';

const NOTICE_MS = 10_000;

export interface KeyNoticeDeps {
  signer: () => Signer;
  gatekeeper: Pick<Gatekeeper, 'admit' | 'refuse'>;
  directory: Pick<PeerDirectory, 'get' | 'rotate' | 'revoke'>;
  audit: Pick<AuditLog, 'append'>;
  rotated: (previousKey: string, nextKey: string) => void;
  unpaired: (publicKey: string) => void;
}

/**
 * What a paired peer says about keys: "my key rotated, here is the record both keys signed" (we
 * re-pin), and "I unpaired you" (we revoke it too, so unpairing on either side unpairs both).
 */
export class KeyNotices {
  constructor(private readonly deps: KeyNoticeDeps) {}

  async announceRotation(channel: Channel, peerKey: string, rotation: KeyRotation): Promise<void> {
    await channel.send(seal(this.deps.signer(), peerKey, 'rotate', { rotation }));
    const reply = await channel.receive(AbortSignal.timeout(NOTICE_MS));
    await this.deps.gatekeeper.admit(reply, peerKey, ['rotate.ok']);
  }

  readonly handleRotation = async (channel: Channel, remoteKey: string | null): Promise<void> => {
    const envelope = await this.deps.gatekeeper.admit(
      await channel.receive(AbortSignal.timeout(NOTICE_MS)),
      remoteKey,
      ['rotate'],
    );
    const parsed = keyRotationSchema.safeParse((envelope.body as { rotation?: unknown } | null)?.rotation);
    if (!parsed.success || !verifyRotation(parsed.data) || parsed.data.previousPublicKey !== envelope.from) {
      await this.deps.gatekeeper.refuse(envelope.from, 'rotate', 'the rotation record does not verify');
    }
    const rotation = parsed.data!;
    const name = this.deps.directory.get(envelope.from)?.name ?? 'a peer';
    await this.deps.directory.rotate(
      envelope.from,
      rotation.nextPublicKey,
      peerIdOfKey(rotation.nextPublicKey),
    );
    await this.deps.audit.append({
      actor: `peer:${name}`,
      kind: 'mesh.pair',
      tool: null,
      args: { rotation },
      outcome: `re-pinned ${name}: its key rotated (signed by both keys)`,
      conversationId: null,
    });
    await channel.send(seal(this.deps.signer(), envelope.from, 'rotate.ok', null));
    this.deps.rotated(envelope.from, rotation.nextPublicKey);
  };

  async announceUnpair(channel: Channel, peerKey: string): Promise<void> {
    await channel.send(seal(this.deps.signer(), peerKey, 'unpair', null));
    const reply = await channel.receive(AbortSignal.timeout(NOTICE_MS));
    if (reply === null) throw new Cell0Error('PEER_LOST', 'The peer closed before it answered.');
  }

  readonly handleUnpair = async (channel: Channel, remoteKey: string | null): Promise<void> => {
    const envelope = await this.deps.gatekeeper.admit(
      await channel.receive(AbortSignal.timeout(NOTICE_MS)),
      remoteKey,
      ['unpair'],
    );
    const name = this.deps.directory.get(envelope.from)?.name ?? 'a peer';
    await this.deps.directory.revoke(envelope.from);
    await this.deps.audit.append({
      actor: `peer:${name}`,
      kind: 'mesh.unpair',
      tool: null,
      args: { publicKey: envelope.from },
      outcome: `unpaired by ${name} (on that instance); its key is revoked here`,
      conversationId: null,
    });
    await channel.send(seal(this.deps.signer(), envelope.from, 'unpair.ok', null));
    this.deps.unpaired(envelope.from);
  };
}
