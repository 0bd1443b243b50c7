import Conf from 'conf';
import { z } from 'zod';
import { debounce } from './debounce.js';

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

const windowStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean(),
});

export type WindowState = z.infer<typeof windowStateSchema>;

/** How much of a window must lie on one display for it to be reachable: a grabbable title bar. */
const MIN_VISIBLE = { width: 120, height: 40 };

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * The saved state to restore, or null when there is none worth restoring: a file that does not
 * parse, or bounds no display shows enough of (a monitor since unplugged would otherwise open
 * the window where nobody can reach it). The window is shrunk to the display it is on.
 */
export function restorableState(
  saved: unknown,
  displays: readonly { workArea: Rectangle }[],
): WindowState | null {
  const parsed = windowStateSchema.safeParse(saved);
  if (!parsed.success) return null;
  const state = parsed.data;
  const display = displays.find(({ workArea }) => {
    const shared = overlap(state, workArea);
    // The top strip (title bar) must be on the display, not just any corner of the window.
    const top = overlap({ ...state, height: Math.min(state.height, MIN_VISIBLE.height) }, workArea);
    return (
      shared.width >= Math.min(MIN_VISIBLE.width, state.width) &&
      top.height >= Math.min(MIN_VISIBLE.height, state.height) &&
      top.width >= Math.min(MIN_VISIBLE.width, state.width)
    );
  });
  if (!display) return null;
  return {
    ...state,
    width: Math.min(state.width, display.workArea.width),
    height: Math.min(state.height, display.workArea.height),
  };
}

/** Where the main window's state is kept: `window-state.json` in the data directory. */
export class WindowStateStore {
  private readonly conf: Conf<{ main?: unknown }>;

  constructor(dataDir: string) {
    // A damaged file is only a lost window position: start afresh rather than fail.
    this.conf = new Conf<{ main?: unknown }>({
      cwd: dataDir,
      configName: 'window-state',
      projectName: 'cell0',
      clearInvalidConfig: true,
    });
  }

  load(): unknown {
    return this.conf.get('main');
  }

  save(state: WindowState): void {
    this.conf.set('main', state);
  }
}

/** The parts of a BrowserWindow whose state is tracked. */
export interface TrackedWindow {
  on(event: 'move' | 'resize' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
  getNormalBounds(): Rectangle;
  isMaximized(): boolean;
  isDestroyed(): boolean;
}

export function windowState(window: TrackedWindow): WindowState {
  // The normal bounds, so a maximised window comes back to its own size when unmaximised.
  const { x, y, width, height } = window.getNormalBounds();
  return { x, y, width, height, maximized: window.isMaximized() };
}

/**
 * Saves the window's state a moment after it stops moving or resizing (a drag fires many
 * events) and at once when it closes. Returns the function that saves what is pending now.
 */
export function trackWindowState(
  window: TrackedWindow,
  save: (state: WindowState) => void,
  debounceMs = 500,
): () => void {
  const saveNow = (): void => {
    if (!window.isDestroyed()) save(windowState(window));
  };
  const saveSoon = debounce(saveNow, debounceMs);
  for (const event of ['move', 'resize', 'maximize', 'unmaximize'] as const) window.on(event, saveSoon);
  window.on('close', () => {
    saveSoon.cancel();
    saveNow();
  });
  return () => saveSoon.flush();
}
