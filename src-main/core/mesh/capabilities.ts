import { z } from 'zod';
import { verifyRotationChain } from '../identity/identity-service.js';
import { keyRotationSchema, type KeyRotation } from '../protocol/entities.js';
import { meshCapabilitiesSchema, type MeshCapabilities } from '../protocol/mesh-entities.js';
import { openEnvelope, seal, type Signer } from './envelope.js';
import type { Gatekeeper } from './gatekeeper.js';
import type { PeerDirectory } from './peer-directory.js';
import { peerIdOfKey } from './key-peer-id.js';
import type { Channel } from './wire.js';
import { lazySchema } from '../protocol/lazy-schema.js';

export const CAPS_PROTOCOL = '/cell0/mesh/caps/1.0.0';

const capsBodySchema = lazySchema(() =>
  z.object({
    capabilities: meshCapabilitiesSchema,
    /** The sender's rotation chain, so a peer that missed a rotation can follow it to the new key. */
    rotations: z.array(keyRotationSchema).max(100),
  }),
);

const EXCHANGE_MS = 10_000;

export interface CapabilitiesDeps {
  signer: () => Signer;
  gatekeeper: Pick<Gatekeeper, 'admit'>;
  directory: Pick<PeerDirectory, 'state' | 'setCapabilities' | 'rotate'>;
  /** What this instance offers now (signed as it is sent). */
  own: () => Promise<MeshCapabilities>;
  rotations: () => Promise<KeyRotation[]>;
  /** A paired peer's key was followed through its rotation chain to a new key. */
  rotated: (previousKey: string, nextKey: string) => void;
}

/**
 * Capabilities: each paired side tells the other, signed, what it offers (models, tools, load,
 * whether remote work is allowed). One exchange per stream: the dialler sends, the other answers.
 */
export class Capabilities {
  constructor(private readonly deps: CapabilitiesDeps) {}

  /** The dialler's side: sends ours, returns theirs (already stored). */
  async exchange(channel: Channel, peerKey: string): Promise<MeshCapabilities> {
    await channel.send(await this.envelope(peerKey));
    const raw = await channel.receive(AbortSignal.timeout(EXCHANGE_MS));
    return this.accept(raw, peerKey);
  }

  readonly handle = async (channel: Channel, remoteKey: string | null): Promise<void> => {
    const raw = await channel.receive(AbortSignal.timeout(EXCHANGE_MS));
    await this.accept(raw, remoteKey);
    if (remoteKey) await channel.send(await this.envelope(remoteKey));
  };

  private async envelope(to: string) {
    const body = { capabilities: await this.deps.own(), rotations: await this.deps.rotations() };
    return seal(this.deps.signer(), to, 'caps', body);
  }

  private async accept(raw: unknown, remoteKey: string | null): Promise<MeshCapabilities> {
    if (remoteKey && this.deps.directory.state(remoteKey) !== 'paired')
      await this.followRotation(raw, remoteKey);
    const envelope = await this.deps.gatekeeper.admit(raw, remoteKey, ['caps']);
    const body = capsBodySchema.parse(envelope.body);
    await this.deps.directory.setCapabilities(envelope.from, body.capabilities);
    return body.capabilities;
  }

  /**
   * A key we do not know may be a paired peer's successor: its signed chain must run, unbroken,
   * from a key pinned here to the key this connection proved. Then the new key is pinned instead.
   */
  private async followRotation(raw: unknown, remoteKey: string): Promise<void> {
    const opened = openEnvelope(raw, this.deps.signer().publicKey);
    if (!opened.ok || opened.envelope.from !== remoteKey) return;
    const body = capsBodySchema.safeParse(opened.envelope.body);
    if (!body.success) return;
    const chain = body.data.rotations;
    for (let i = 0; i < chain.length; i++) {
      const start = chain[i]!.previousPublicKey;
      if (this.deps.directory.state(start) !== 'paired') continue;
      const rest = chain.slice(i);
      if (rest.at(-1)!.nextPublicKey !== remoteKey || !verifyRotationChain(rest, start)) return;
      await this.deps.directory.rotate(start, remoteKey, peerIdOfKey(remoteKey));
      this.deps.rotated(start, remoteKey);
      return;
    }
  }
}
