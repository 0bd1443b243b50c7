import type { Handlers } from '../protocol/router.js';
import type { IdentityService } from './identity-service.js';

type IdentityMethods = 'identity.get' | 'identity.exportCard' | 'identity.rotate';

/**
 * Each method first retries an unavailable identity (the owner may have unlocked the keychain since),
 * then answers or throws IDENTITY_UNAVAILABLE with the reason. The service emits identity.updated
 * itself (on rotation and when the identity becomes ready), so these handlers do not.
 */
export function identityHandlers({
  identity,
}: {
  identity: IdentityService;
}): Pick<Handlers, IdentityMethods> {
  return {
    'identity.get': () => identity.refresh(),
    'identity.exportCard': async (params) => {
      await identity.refresh();
      return identity.exportCard(params?.name);
    },
    'identity.rotate': async () => {
      await identity.refresh();
      return identity.rotate();
    },
  };
}
