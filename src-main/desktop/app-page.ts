import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where the main window loads the UI from, and the URL the UI has once loaded. */
export type AppPage = { kind: 'file'; file: string; url: string } | { kind: 'dev-server'; url: string };

export interface AppPageOptions {
  /** The directory of the built main file (out/main). */
  mainDir: string;
  /** electron-vite's dev server (ELECTRON_RENDERER_URL), set only by `electron-vite dev`. */
  devServerUrl?: string | undefined;
  isPackaged: boolean;
}

export function resolveAppPage({ mainDir, devServerUrl, isPackaged }: AppPageOptions): AppPage {
  // A packaged app never takes its UI from the environment: anyone able to set a variable
  // could otherwise hand the window, and the core behind it, to a page of their choosing.
  if (!isPackaged && devServerUrl) return { kind: 'dev-server', url: new URL(devServerUrl).href };
  const file = join(mainDir, '../renderer/index.html');
  return { kind: 'file', file, url: pathToFileURL(file).href };
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function filePath(url: URL): string | null {
  try {
    return fileURLToPath(url);
  } catch {
    // Encoded separators and foreign hosts are refused by fileURLToPath; neither is our page.
    return null;
  }
}

/**
 * Whether `url` is the app's own page. A built page is one exact file (query and hash
 * ignored); any other file, even next to it, is not trusted. A dev server serves the page and
 * its modules from one origin, and hot reload may change the path, so there the origin decides.
 */
export function isAppPage(url: string, appPageUrl: string): boolean {
  const candidate = parse(url);
  const app = parse(appPageUrl);
  if (!candidate || !app) return false;
  if (app.protocol === 'file:') {
    if (candidate.protocol !== 'file:' || candidate.host !== app.host) return false;
    const path = filePath(candidate);
    return path !== null && path === filePath(app);
  }
  if (app.protocol !== 'http:' && app.protocol !== 'https:') return false;
  return candidate.origin === app.origin;
}
