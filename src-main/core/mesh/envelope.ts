import { z } from 'zod';
import { canonicalJson } from '../identity/canonical-json.js';
import { verifySignature } from '../identity/identity-service.js';
import { lazySchema } from '../protocol/lazy-schema.js';

/**
 * What peers say to each other, each message signed by the sender's identity key and addressed to
 * the receiver's. The connection is already authenticated (Noise, with these same keys as peer
 * ids); the signature makes each message a record that can be checked on its own, against the key
 * pinned when the two paired, and `to` keeps a message from being replayed to another peer.
 */
export const envelopeSchema = lazySchema(() =>
  z.object({
    v: z.literal(1),
    type: z.string().min(1).max(60),
    from: z.string().min(1).max(64),
    to: z.string().min(1).max(64),
    at: z.number(),
    body: z.unknown(),
    sig: z.string().min(1).max(200),
  }),
);
export type Envelope = z.infer<typeof envelopeSchema>;

export interface Signer {
  readonly publicKey: string;
  sign(data: string): string;
}

function payload(e: Omit<Envelope, 'sig'>): string {
  return canonicalJson({ v: e.v, type: e.type, from: e.from, to: e.to, at: e.at, body: e.body ?? null });
}

export function seal(signer: Signer, to: string, type: string, body: unknown, at = Date.now()): Envelope {
  const unsigned = { v: 1 as const, type, from: signer.publicKey, to, at, body: body ?? null };
  return { ...unsigned, sig: signer.sign(payload(unsigned)) };
}

export type Opened = { ok: true; envelope: Envelope } | { ok: false; reason: string };

/**
 * Checks a message's shape, that it is addressed to `me`, and that the key it names signed it.
 * Says nothing about whether that key is trusted: the caller checks it against the pinned keys.
 */
export function openEnvelope(raw: unknown, me: string): Opened {
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'not a mesh message' };
  const e = parsed.data;
  if (e.to !== me) return { ok: false, reason: 'addressed to another key' };
  let data: string;
  try {
    data = payload(e);
  } catch {
    return { ok: false, reason: 'not a mesh message' };
  }
  if (!verifySignature(e.from, data, e.sig)) return { ok: false, reason: 'bad signature' };
  return { ok: true, envelope: e };
}
