import { useEffect } from 'react';
import { errorMessage } from '../lib/client.js';
import { sectionFromHash } from '../lib/settings-hash.js';
import { stopStreaming } from '../features/chat/actions.js';
import { openNewChat } from '../features/conversations/actions.js';
import { stopConversationSwarm } from '../features/swarms/actions.js';
import { useMessages } from '../stores/messages.js';
import { useUi } from '../stores/ui.js';

export function newChat(): void {
  openNewChat().catch((err: unknown) => {
    useUi.getState().setNotice(`Could not start a new chat: ${errorMessage(err)}`);
  });
}

/** Ctrl/Cmd+N new chat, Ctrl/Cmd+, settings, Ctrl/Cmd+B sidebar, Ctrl/Cmd+/ shortcut sheet, Esc stops the reply being written (or the swarm). */
export function useGlobalShortcuts(): void {
  useEffect(() => {
    function onKeyDown(e: KeyboardEvent): void {
      const mod = e.metaKey || e.ctrlKey;
      if (mod && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'n') {
        e.preventDefault();
        newChat();
      } else if (mod && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'b') {
        e.preventDefault();
        useUi.getState().toggleSidebar();
      } else if (mod && !e.altKey && (e.key === '/' || e.code === 'Slash')) {
        e.preventDefault();
        useUi.getState().setShortcutsOpen(!useUi.getState().shortcutsOpen);
      } else if (mod && !e.altKey && e.key === ',') {
        e.preventDefault();
        useUi.getState().setView('settings');
      } else if (
        e.key === 'Escape' &&
        !e.defaultPrevented &&
        useUi.getState().narrowWindow &&
        useUi.getState().sidebarDrawerOpen
      ) {
        // Esc closes the sidebar drawer first (narrow windows) and gives the focus back to its button.
        e.preventDefault();
        useUi.getState().closeSidebarDrawer();
        requestAnimationFrame(() =>
          document.querySelector<HTMLElement>('[data-testid="sidebar-expand"]')?.focus(),
        );
      } else if (e.key === 'Escape' && !e.defaultPrevented && !document.querySelector('dialog[open]')) {
        const { conversationId } = useMessages.getState();
        void stopConversationSwarm(conversationId).then((was) => (was ? undefined : stopStreaming()));
      }
    }
    // `#settings/<id>` (a link, a reload, the address bar, Back/Forward) opens Settings at that
    // section; Back past the first section leaves Settings for the chat.
    function onHash(): void {
      const section = sectionFromHash(window.location.hash);
      if (section !== null) useUi.getState().showSettings(section === '' ? null : section);
      else if (window.location.hash === '' && useUi.getState().view === 'settings')
        useUi.getState().setView('chat');
    }
    onHash();
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('hashchange', onHash);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('hashchange', onHash);
    };
  }, []);
}
