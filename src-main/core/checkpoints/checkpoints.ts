/** Every checkpoint, in the order the table shows them. */
import type { Checkpoint } from './checkpoint.js';
import { sandboxCheckpoints } from './sandbox-checkpoints.js';
import { secretsCheckpoints } from './secrets-checkpoints.js';
import { auditCheckpoints, identityCheckpoints } from './identity-checkpoints.js';
import { storageCheckpoints } from './storage-checkpoints.js';
import { gatewayCheckpoints } from './gateway-checkpoints.js';
import {
  channelCheckpoints,
  mcpCheckpoints,
  permissionCheckpoints,
  providerCheckpoints,
} from './config-checkpoints.js';
import { networkCheckpoints } from './network-checkpoints.js';
import { desktopCheckpoints } from './desktop-checkpoints.js';

export const CHECKPOINTS: readonly Checkpoint[] = [
  ...sandboxCheckpoints,
  ...secretsCheckpoints,
  ...identityCheckpoints,
  ...auditCheckpoints,
  ...storageCheckpoints,
  ...gatewayCheckpoints,
  ...channelCheckpoints,
  ...mcpCheckpoints,
  ...permissionCheckpoints,
  ...providerCheckpoints,
  ...networkCheckpoints,
  ...desktopCheckpoints,
];
