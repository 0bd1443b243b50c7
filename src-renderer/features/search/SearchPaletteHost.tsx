import { useEffect } from 'react';
import { usePalette } from './palette-store.js';
import { SearchPalette } from './SearchPalette.js';

/** Ctrl/Cmd+K from anywhere; mounted once, and the palette itself only while open (fresh each time). */
export function SearchPaletteHost() {
  const open = usePalette((s) => s.open);

  useEffect(() => {
    function onKeyDown(e: KeyboardEvent): void {
      if ((e.metaKey || e.ctrlKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        const palette = usePalette.getState();
        // Not over another dialog (a confirmation): two stacked modals confuse focus and Esc.
        if (!palette.open && document.querySelector('dialog[open]')) return;
        e.preventDefault();
        if (palette.open) palette.close();
        else palette.openPalette();
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  return open ? <SearchPalette /> : null;
}
