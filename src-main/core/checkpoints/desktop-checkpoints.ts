/** The desktop app's windows and packaged binary; told by the desktop layer, SKIP everywhere else. */
import { fail, pass, skip, type Checkpoint, type DesktopProbe } from './checkpoint.js';

type WindowFacts = ReturnType<DesktopProbe['windows']>[number];

function everyWindow(
  id: string,
  title: string,
  why: string,
  holds: (w: WindowFacts) => boolean,
  what: string,
): Checkpoint {
  return {
    id,
    group: 'desktop',
    title,
    why,
    fix: 'Report this to the Cell 0 developers: a window was made outside the hardened registry',
    async probe(env) {
      if (!env.desktop) return skip('run by the desktop app only');
      const windows = env.desktop.windows();
      if (windows.length === 0) return skip('no window is open');
      const bad = windows.filter((w) => !holds(w));
      return bad.length === 0
        ? pass(`${windows.length} window(s): ${what}`)
        : fail(`${bad.map((w) => w.role).join(', ')}: not ${what}`);
    },
  };
}

const FUSES: Record<string, boolean> = {
  RunAsNode: false,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
};

export const desktopCheckpoints: Checkpoint[] = [
  everyWindow(
    'desktop.context-isolation',
    'Windows isolate the page from the preload',
    'Without context isolation a script in the page reaches the preload’s powers',
    (w) => w.contextIsolation,
    'context-isolated',
  ),
  everyWindow(
    'desktop.renderer-sandbox',
    'Renderers run in Chromium’s sandbox',
    'An unsandboxed renderer hands a page exploit the whole user account',
    (w) => w.sandbox,
    'sandboxed',
  ),
  everyWindow(
    'desktop.node-integration',
    'No Node.js in the page',
    'Node in the page makes any injected script a program with your rights',
    (w) => !w.nodeIntegration,
    'free of Node integration',
  ),
  everyWindow(
    'desktop.web-security',
    'Web security is on',
    'Without it a page reads any origin and any local file',
    (w) => w.webSecurity,
    'web-secure',
  ),
  everyWindow(
    'desktop.navigation',
    'Windows cannot navigate away or open others',
    'A window that follows links or opens popups can be led to a hostile page with the preload',
    (w) => w.navigationGuarded,
    'navigation-guarded',
  ),
  {
    id: 'desktop.fuses',
    group: 'desktop',
    title: 'The packaged app’s fuses are set',
    why: 'RunAsNode, NODE_OPTIONS and --inspect would let any program run code as Cell 0',
    fix: 'Rebuild with `npm run dist` (electron-builder.yml sets the fuses)',
    async probe(env) {
      if (!env.desktop) return skip('run by the desktop app only');
      const fuses = await env.desktop.fuses();
      if (!fuses) return skip('not a packaged build');
      const wrong = Object.entries(FUSES).filter(([name, want]) => fuses[name] !== want);
      return wrong.length === 0
        ? pass(Object.keys(FUSES).join(', '))
        : fail(wrong.map(([name, want]) => `${name} should be ${want ? 'on' : 'off'}`).join(', '));
    },
  },
];
