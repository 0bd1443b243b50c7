import { describe, expect, it } from 'vitest';
import { clampActive, paletteKeyAction } from '../../../src-renderer/lib/listbox-keys.js';

describe('paletteKeyAction', () => {
  it('moves with the arrows and wraps at both ends', () => {
    expect(paletteKeyAction('ArrowDown', 0, 3)).toEqual({ type: 'move', index: 1 });
    expect(paletteKeyAction('ArrowDown', 2, 3)).toEqual({ type: 'move', index: 0 });
    expect(paletteKeyAction('ArrowUp', 0, 3)).toEqual({ type: 'move', index: 2 });
    expect(paletteKeyAction('ArrowUp', 2, 3)).toEqual({ type: 'move', index: 1 });
    expect(paletteKeyAction('ArrowDown', -1, 3)).toEqual({ type: 'move', index: 0 });
  });

  it('jumps a few rows with the page keys, stopping at the ends', () => {
    expect(paletteKeyAction('PageDown', 0, 20)).toEqual({ type: 'move', index: 5 });
    expect(paletteKeyAction('PageDown', 18, 20)).toEqual({ type: 'move', index: 19 });
    expect(paletteKeyAction('PageUp', 3, 20)).toEqual({ type: 'move', index: 0 });
  });

  it('chooses the active option with Enter, and nothing when none is active', () => {
    expect(paletteKeyAction('Enter', 1, 3)).toEqual({ type: 'choose', index: 1 });
    expect(paletteKeyAction('Enter', -1, 3)).toBeNull();
    expect(paletteKeyAction('Enter', 0, 0)).toBeNull();
  });

  it('closes with Esc, even without results', () => {
    expect(paletteKeyAction('Escape', -1, 0)).toEqual({ type: 'close' });
  });

  it('leaves other keys (typing, Home/End in the input) alone', () => {
    expect(paletteKeyAction('a', 0, 3)).toBeNull();
    expect(paletteKeyAction('Home', 2, 3)).toBeNull();
    expect(paletteKeyAction('ArrowDown', -1, 0)).toBeNull();
  });
});

describe('clampActive', () => {
  it('keeps a valid option, else falls back to the first, or none', () => {
    expect(clampActive(2, 5)).toBe(2);
    expect(clampActive(7, 5)).toBe(0);
    expect(clampActive(-1, 5)).toBe(0);
    expect(clampActive(0, 0)).toBe(-1);
  });
});
