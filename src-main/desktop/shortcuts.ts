import { globalShortcut } from 'electron';

/**
 * One global shortcut that follows a setting: binding a new accelerator releases the old one.
 * A shortcut another app holds, or one Electron cannot parse, is reported and skipped: the app
 * works without it, and the owner can pick another in Settings.
 */
export class GlobalShortcutBinding {
  private current: string | null = null;

  constructor(
    private readonly onPress: () => void,
    private readonly onError: (message: string, err?: unknown) => void,
  ) {}

  get accelerator(): string | null {
    return this.current;
  }

  /** Returns whether `accelerator` is now registered. */
  bind(accelerator: string): boolean {
    if (accelerator === this.current) return true;
    this.release();
    let registered: boolean;
    try {
      registered = globalShortcut.register(accelerator, this.onPress);
    } catch (err) {
      this.onError(`the shortcut "${accelerator}" is not a valid accelerator`, err);
      return false;
    }
    if (!registered) {
      this.onError(`the shortcut "${accelerator}" could not be registered (another app may hold it)`);
      return false;
    }
    this.current = accelerator;
    return true;
  }

  release(): void {
    if (this.current === null) return;
    globalShortcut.unregister(this.current);
    this.current = null;
  }
}
