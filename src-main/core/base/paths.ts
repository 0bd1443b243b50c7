import { homedir } from 'node:os';
import { join } from 'node:path';

/** The product name Electron derives its per-user data directory from. */
export const PRODUCT_NAME = 'Cell 0';

/**
 * The per-user data directory, shared by the desktop app and `cell0 serve`. It matches what
 * Electron's app.getPath('userData') gives for this product, computed without Electron so the
 * headless core lands in the same place.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.CELL0_HOME) return env.CELL0_HOME;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), PRODUCT_NAME);
}
