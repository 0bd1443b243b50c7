import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  restorableState,
  trackWindowState,
  WindowStateStore,
  type Rectangle,
} from '../../src-main/desktop/window-state.js';
import { centredBounds } from '../../src-main/desktop/quick-prompt.js';

vi.mock('electron', () => import('../mocks/electron.js'));

const laptop = { workArea: { x: 0, y: 0, width: 1440, height: 875 } };
const external = { workArea: { x: 1440, y: -200, width: 2560, height: 1400 } };

describe('restorableState', () => {
  it('restores a window that is on a display', () => {
    const saved = { x: 100, y: 80, width: 1000, height: 700, maximized: true };
    expect(restorableState(saved, [laptop])).toEqual(saved);
    expect(restorableState({ ...saved, x: 2000, y: 0 }, [laptop, external])).toMatchObject({ x: 2000 });
  });

  it('ignores a window left on a display that is gone, or with only a sliver showing', () => {
    const onExternal = { x: 2000, y: 0, width: 1000, height: 700, maximized: false };
    expect(restorableState(onExternal, [laptop])).toBeNull();
    // Only 20 px of its left edge reach the laptop's screen.
    expect(restorableState({ ...onExternal, x: 1420 }, [laptop])).toBeNull();
    // Its title bar is above the top of every display.
    expect(restorableState({ ...onExternal, x: 100, y: -680 }, [laptop])).toBeNull();
  });

  it('shrinks a window larger than the display it is on', () => {
    const big = { x: 0, y: 0, width: 3000, height: 2000, maximized: false };
    expect(restorableState(big, [laptop])).toEqual({ ...big, width: 1440, height: 875 });
  });

  it('ignores a missing or malformed record', () => {
    expect(restorableState(undefined, [laptop])).toBeNull();
    expect(
      restorableState({ x: 'left', y: 0, width: 10, height: 10, maximized: false }, [laptop]),
    ).toBeNull();
    expect(restorableState({ x: 0, y: 0, width: -5, height: 10, maximized: false }, [laptop])).toBeNull();
  });
});

describe('centredBounds', () => {
  it('centres the quick prompt in the work area of a display, wherever that display is', () => {
    expect(centredBounds(external.workArea, { width: 640, height: 180 })).toEqual({
      x: 1440 + 960,
      y: -200 + 610,
      width: 640,
      height: 180,
    });
    expect(centredBounds({ x: 0, y: 0, width: 500, height: 100 }, { width: 640, height: 180 })).toEqual({
      x: 0,
      y: 0,
      width: 500,
      height: 100,
    });
  });
});

class FakeWindow extends EventEmitter {
  bounds: Rectangle = { x: 10, y: 20, width: 800, height: 600 };
  maximized = false;
  getNormalBounds(): Rectangle {
    return { ...this.bounds };
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isDestroyed(): boolean {
    return false;
  }
}

describe('trackWindowState', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('saves once after a burst of moves, and at once on close', () => {
    vi.useFakeTimers();
    const window = new FakeWindow();
    const save = vi.fn();
    trackWindowState(window, save, 500);
    for (let x = 0; x < 20; x++) {
      window.bounds = { ...window.bounds, x };
      window.emit('move');
    }
    expect(save).not.toHaveBeenCalled();
    vi.advanceTimersByTime(500);
    expect(save).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenLastCalledWith({ x: 19, y: 20, width: 800, height: 600, maximized: false });

    window.maximized = true;
    window.emit('maximize');
    window.emit('close');
    expect(save).toHaveBeenCalledTimes(2);
    expect(save).toHaveBeenLastCalledWith({ x: 19, y: 20, width: 800, height: 600, maximized: true });
    vi.advanceTimersByTime(1000);
    expect(save).toHaveBeenCalledTimes(2);
  });
});

describe('WindowStateStore', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  it('keeps the state in window-state.json and starts afresh from a damaged file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cell0-window-state-'));
    const state = { x: 1, y: 2, width: 300, height: 400, maximized: false };
    new WindowStateStore(dir).save(state);
    expect(new WindowStateStore(dir).load()).toEqual(state);
    expect(JSON.parse(await readFile(join(dir, 'window-state.json'), 'utf8'))).toEqual({ main: state });

    await writeFile(join(dir, 'window-state.json'), '{ not json');
    expect(new WindowStateStore(dir).load()).toBeUndefined();
  });
});
