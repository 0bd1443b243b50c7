/**
 * The libp2p peer id of an identity key, computed here rather than by @libp2p/peer-id: the mesh's
 * bookkeeping needs it while the core starts, and libp2p's modules load only once the node runs.
 * An Ed25519 peer id is the base58btc text of an identity multihash (0x00, length 0x24) of the
 * key's protobuf (field 1 KeyType = 1 Ed25519, field 2 Data = the 32 raw bytes).
 */
const ED25519_PEER_PREFIX = Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20]);
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58btc(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  const digits: number[] = [];
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i]!;
    for (let j = 0; j < digits.length; j++) {
      carry += digits[j]! << 8;
      digits[j] = carry % 58;
      carry = (carry / 58) | 0;
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = (carry / 58) | 0;
    }
  }
  let text = '1'.repeat(zeros);
  for (let i = digits.length - 1; i >= 0; i--) text += BASE58[digits[i]!];
  return text;
}

/** The libp2p peer id of an identity key (raw Ed25519, base64url): the same key, in libp2p's words. */
export function peerIdOfKey(publicKey: string): string {
  const raw = Buffer.from(publicKey, 'base64url');
  if (raw.length !== 32) throw new TypeError('An Ed25519 public key is 32 bytes.');
  const bytes = new Uint8Array(ED25519_PEER_PREFIX.length + 32);
  bytes.set(ED25519_PEER_PREFIX);
  bytes.set(raw, ED25519_PEER_PREFIX.length);
  return base58btc(bytes);
}
