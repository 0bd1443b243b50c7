import { verifyRotationChain, type IdentityService } from '../../identity/identity-service.js';

/**
 * The keys whose signatures are this instance's: the current key (only when the identity is
 * loaded, so it has been checked against the private key in the keychain) and every earlier key
 * the signed rotation chain hands over from. A chain that does not verify, or does not end at the
 * current key, adds nothing: rows in SQLite alone prove nothing.
 */
export async function instanceKeys(
  identity: Pick<IdentityService, 'state' | 'rotationChain'>,
): Promise<Set<string>> {
  const state = identity.state();
  if (state.status !== 'ready') return new Set();
  const current = state.identity.publicKey;
  const keys = new Set([current]);
  const chain = await identity.rotationChain();
  const last = chain.at(-1);
  if (last && last.nextPublicKey === current && verifyRotationChain(chain)) {
    for (const link of chain) keys.add(link.previousPublicKey);
  }
  return keys;
}
