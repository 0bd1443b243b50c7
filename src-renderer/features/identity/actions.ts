import type { IdentityState, KeyRotation } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { downloadJson } from '../../lib/download.js';
import { useIdentity } from '../../stores/identity.js';

/** Never throws: a failure lands in the store, where the Settings section offers a retry. */
export async function loadIdentity(): Promise<void> {
  try {
    useIdentity.getState().setState(await client().call('identity.get', {}));
  } catch (err) {
    useIdentity.getState().setLoadError(errorMessage(err));
  }
}

export async function exportIdentityCard(): Promise<void> {
  const card = await client().call('identity.exportCard', {});
  downloadJson('cell0-identity.json', card);
}

export async function rotateIdentity(): Promise<{ state: IdentityState; rotation: KeyRotation }> {
  const result = await client().call('identity.rotate', {});
  useIdentity.getState().setState(result.state);
  return result;
}
