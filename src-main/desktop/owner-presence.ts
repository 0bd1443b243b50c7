import { systemPreferences } from 'electron';
import { typedPresence, type OwnerPresence } from '../core/mesh/pairing.js';

/**
 * How the owner confirms a mesh pairing at this machine: Touch ID on a Mac that has it (they
 * compare the code by eye, then touch the sensor), else typing the code the other screen shows.
 */
export function ownerPresence(platform: NodeJS.Platform = process.platform): OwnerPresence {
  if (platform !== 'darwin' || !systemPreferences.canPromptTouchID()) return typedPresence;
  return {
    kind: 'touch-id',
    async confirm(reason: string): Promise<boolean> {
      try {
        await systemPreferences.promptTouchID(reason);
        return true;
      } catch {
        return false;
      }
    },
  };
}
