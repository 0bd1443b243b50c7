/** What a key pressed in the palette's input means, given the options on show. */
export type PaletteKeyAction =
  { type: 'move'; index: number } | { type: 'choose'; index: number } | { type: 'close' } | null;

const PAGE = 5;

/**
 * The keyboard model of a combobox whose focus stays in the input while aria-activedescendant
 * points at an option: arrows wrap (a long list is quicker to reach from the other end), Home/End
 * stay with the input's own caret, Page keys jump a few rows. `active` is -1 when nothing is active.
 */
export function paletteKeyAction(key: string, active: number, count: number): PaletteKeyAction {
  if (key === 'Escape') return { type: 'close' };
  if (count === 0) return null;
  switch (key) {
    case 'ArrowDown':
      return { type: 'move', index: active < 0 ? 0 : (active + 1) % count };
    case 'ArrowUp':
      return { type: 'move', index: active <= 0 ? count - 1 : active - 1 };
    case 'PageDown':
      return { type: 'move', index: Math.min(count - 1, Math.max(active, 0) + PAGE) };
    case 'PageUp':
      return { type: 'move', index: Math.max(0, active - PAGE) };
    case 'Enter':
      return active >= 0 && active < count ? { type: 'choose', index: active } : null;
    default:
      return null;
  }
}

/** Keeps the active option valid when the results change: the first one, or none. */
export function clampActive(active: number, count: number): number {
  if (count === 0) return -1;
  return active >= 0 && active < count ? active : 0;
}
