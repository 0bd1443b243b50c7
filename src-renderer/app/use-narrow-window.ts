import { useEffect } from 'react';
import { useConversations } from '../stores/conversations.js';
import { NARROW_WINDOW, useUi } from '../stores/ui.js';

/**
 * Follows the window's width: below NARROW_WINDOW the sidebar hides by itself and opens as a drawer
 * over the view (its button, Ctrl/Cmd+B), which closes again when a conversation or another view is
 * chosen. The wide window's remembered choice is left as it was.
 */
export function useNarrowWindow(): void {
  useEffect(() => {
    const query = window.matchMedia(`(max-width: ${NARROW_WINDOW}px)`);
    const onChange = (): void => {
      if (query.matches !== useUi.getState().narrowWindow) useUi.getState().setNarrowWindow(query.matches);
    };
    onChange();
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);

  const selectedId = useConversations((s) => s.selectedId);
  const view = useUi((s) => s.view);
  useEffect(() => {
    useUi.getState().closeSidebarDrawer();
  }, [selectedId, view]);
}
