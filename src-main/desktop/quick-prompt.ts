import { screen, type BrowserWindow } from 'electron';
import type { Rectangle } from './window-state.js';
import type { WindowRegistry } from './window-registry.js';

/** The page renders its compact quick-prompt view when `location.hash === '#quick'`. */
export const QUICK_PROMPT_HASH = 'quick';
export const QUICK_PROMPT_SIZE = { width: 640, height: 180 };

/** Bounds of `size` centred in a display's work area. */
export function centredBounds(workArea: Rectangle, size: { width: number; height: number }): Rectangle {
  const width = Math.min(size.width, workArea.width);
  const height = Math.min(size.height, workArea.height);
  return {
    x: Math.round(workArea.x + (workArea.width - width) / 2),
    y: Math.round(workArea.y + (workArea.height - height) / 2),
    width,
    height,
  };
}

/**
 * The quick prompt: a small always-on-top window over whatever the owner is doing, opened by the
 * global shortcut on the display the pointer is on, and put away when it loses focus or the page
 * closes it (Esc). It is hidden, not destroyed, so the next press opens it at once.
 */
export class QuickPrompt {
  private window: BrowserWindow | null = null;

  constructor(
    private readonly registry: WindowRegistry,
    private readonly isQuitting: () => boolean,
  ) {}

  isVisible(): boolean {
    return !!this.window && !this.window.isDestroyed() && this.window.isVisible();
  }

  toggle(): void {
    if (this.isVisible()) this.hide();
    else this.show();
  }

  show(): void {
    const display = screen.getDisplayNearestPoint(screen.getCursorScreenPoint());
    const bounds = centredBounds(display.workArea, QUICK_PROMPT_SIZE);
    if (this.window && !this.window.isDestroyed()) {
      this.window.setBounds(bounds);
      this.window.show();
      this.window.focus();
      return;
    }
    // Shown by the registry once its page has painted.
    this.window = this.create(bounds);
  }

  hide(): void {
    if (this.window && !this.window.isDestroyed() && this.window.isVisible()) this.window.hide();
  }

  private create(bounds: Rectangle): BrowserWindow {
    const window = this.registry.open({
      role: 'quick-prompt',
      hash: QUICK_PROMPT_HASH,
      chrome: {
        title: 'Cell 0 — Quick prompt',
        ...bounds,
        frame: false,
        resizable: false,
        movable: true,
        minimizable: false,
        maximizable: false,
        fullscreenable: false,
        alwaysOnTop: true,
        skipTaskbar: true,
        backgroundColor: '#0d1117',
      },
    });
    // Above full-screen apps on macOS; the level is ignored elsewhere.
    window.setAlwaysOnTop(true, 'pop-up-menu');
    window.on('blur', () => this.hide());
    window.on('close', (event) => {
      if (this.isQuitting()) return;
      event.preventDefault();
      this.hide();
    });
    window.once('closed', () => {
      if (this.window === window) this.window = null;
    });
    return window;
  }
}
