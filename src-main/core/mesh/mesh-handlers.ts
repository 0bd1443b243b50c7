import type { Handlers } from '../protocol/router.js';
import type { MeshService } from './mesh-service.js';

type MeshMethods =
  | 'mesh.status'
  | 'mesh.configure'
  | 'mesh.peers'
  | 'mesh.pair'
  | 'mesh.confirm'
  | 'mesh.reject'
  | 'mesh.unpair';

export function meshHandlers({ mesh }: { mesh: MeshService }): Pick<Handlers, MeshMethods> {
  return {
    'mesh.status': () => mesh.status(),
    'mesh.configure': (change) => mesh.configure(change),
    'mesh.peers': () => mesh.peers(),
    'mesh.pair': async ({ target }) => ({ pairing: await mesh.pair(target) }),
    'mesh.confirm': async (params) => ({ pairing: await mesh.confirm(params) }),
    'mesh.reject': async ({ pairingId }) => {
      await mesh.reject(pairingId);
      return { ok: true as const };
    },
    'mesh.unpair': async ({ peer }) => ({ peer: await mesh.unpair(peer) }),
  };
}
