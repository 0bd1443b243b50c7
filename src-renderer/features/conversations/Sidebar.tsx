import {
  Brain,
  Keyboard,
  Network,
  PanelLeftClose,
  Plus,
  ScrollText,
  Search,
  Settings,
  Zap,
} from 'lucide-react';
import { useState } from 'react';
import { newChat } from '../../app/use-global-shortcuts.js';
import { modKey } from '../../lib/platform.js';
import { useConversations } from '../../stores/conversations.js';
import { useUi } from '../../stores/ui.js';
import { ChannelsNav, useChannelConversationIds } from '../channels/ChannelsNav.js';
import { usePalette } from '../search/palette-store.js';
import { ConversationRow } from './ConversationRow.js';
import { useUndoDelete } from './undo-delete.js';

export function Sidebar() {
  const all = useConversations((s) => s.list);
  // Channel chats are listed under Channels, with their platform's icon.
  const channelIds = useChannelConversationIds();
  const hiddenId = useUndoDelete((s) => s.pending?.id);
  const own = all.filter((c) => !channelIds.has(c.id) && c.id !== hiddenId);
  const list = own.filter((c) => !c.archived);
  const pinned = list.filter((c) => c.pinned);
  const recent = list.filter((c) => !c.pinned);
  const archived = own.filter((c) => c.archived);
  const [showArchived, setShowArchived] = useState(false);
  const loaded = useConversations((s) => s.loaded);
  const selectedId = useConversations((s) => s.selectedId);
  const view = useUi((s) => s.view);
  const row = (c: (typeof all)[number]) => (
    // One highlight at a time: a conversation is current only while the chat view shows it.
    <ConversationRow key={c.id} conversation={c} active={view === 'chat' && c.id === selectedId} />
  );

  return (
    <aside className="sidebar" aria-label="Sidebar">
      <div className="sidebar-brand">
        <span className="brand-mark" aria-hidden />
        <span className="brand-name">Cell 0</span>
        <button
          type="button"
          className="icon-button sidebar-brand-action"
          data-testid="shortcuts-open"
          aria-label="Keyboard shortcuts"
          aria-keyshortcuts="Control+Slash Meta+Slash"
          title={`Keyboard shortcuts (${modKey}/)`}
          onClick={() => useUi.getState().setShortcutsOpen(true)}
        >
          <Keyboard size={15} aria-hidden />
        </button>
        <button
          type="button"
          className="icon-button"
          data-testid="sidebar-collapse"
          aria-label="Hide the sidebar"
          aria-keyshortcuts="Control+B Meta+B"
          title={`Hide the sidebar (${modKey}B)`}
          onClick={() => useUi.getState().toggleSidebar()}
        >
          <PanelLeftClose size={15} aria-hidden />
        </button>
      </div>
      <button
        type="button"
        className="button new-chat"
        data-testid="new-conversation"
        aria-keyshortcuts="Control+N Meta+N"
        onClick={newChat}
      >
        <Plus size={15} aria-hidden />
        <span>New chat</span>
        <kbd className="shortcut">{modKey}N</kbd>
      </button>
      <button
        type="button"
        className="nav-item"
        data-testid="nav-search"
        aria-haspopup="dialog"
        aria-keyshortcuts="Control+K Meta+K"
        onClick={() => usePalette.getState().openPalette()}
      >
        <Search size={15} aria-hidden />
        <span>Search</span>
        <kbd className="shortcut">{modKey}K</kbd>
      </button>
      <nav className="conversation-nav" aria-label="Conversations">
        {loaded && list.length === 0 && <p className="sidebar-empty">No conversations yet.</p>}
        {pinned.length > 0 && (
          <>
            <p className="conversation-section-label" id="pinned-label">
              Pinned
            </p>
            <ul className="conversation-list" aria-labelledby="pinned-label" data-testid="pinned-list">
              {pinned.map(row)}
            </ul>
            {recent.length > 0 && <p className="conversation-section-label">Recent</p>}
          </>
        )}
        <ul className="conversation-list">{recent.map(row)}</ul>
        {archived.length > 0 && (
          <>
            <button
              type="button"
              className="nav-item archived-toggle"
              data-testid="archived-toggle"
              aria-expanded={showArchived}
              aria-controls="archived-list"
              onClick={() => setShowArchived((v) => !v)}
            >
              <span>
                {showArchived ? 'Hide' : 'Show'} archived ({archived.length})
              </span>
            </button>
            {showArchived && (
              <ul className="conversation-list" id="archived-list" data-testid="archived-list">
                {archived.map(row)}
              </ul>
            )}
          </>
        )}
      </nav>
      <ChannelsNav />
      <button
        type="button"
        className={view === 'swarms' ? 'nav-item active' : 'nav-item'}
        data-testid="nav-swarms"
        aria-current={view === 'swarms' ? 'page' : undefined}
        onClick={() => useUi.getState().setView('swarms')}
      >
        <Network size={15} aria-hidden />
        <span>Swarms</span>
      </button>
      <button
        type="button"
        className={view === 'automations' ? 'nav-item active' : 'nav-item'}
        data-testid="nav-automations"
        aria-current={view === 'automations' ? 'page' : undefined}
        onClick={() => useUi.getState().setView('automations')}
      >
        <Zap size={15} aria-hidden />
        <span>Automations</span>
      </button>
      <button
        type="button"
        className={view === 'memory' ? 'nav-item active' : 'nav-item'}
        data-testid="nav-memory"
        aria-current={view === 'memory' ? 'page' : undefined}
        onClick={() => useUi.getState().setView('memory')}
      >
        <Brain size={15} aria-hidden />
        <span>Memory</span>
      </button>
      <button
        type="button"
        className={view === 'audit' ? 'nav-item active' : 'nav-item'}
        data-testid="nav-audit"
        aria-current={view === 'audit' ? 'page' : undefined}
        onClick={() => useUi.getState().setView('audit')}
      >
        <ScrollText size={15} aria-hidden />
        <span>Audit</span>
      </button>
      <button
        type="button"
        className={view === 'settings' ? 'nav-item active' : 'nav-item'}
        data-testid="nav-settings"
        aria-current={view === 'settings' ? 'page' : undefined}
        aria-keyshortcuts="Control+Comma Meta+Comma"
        onClick={() => useUi.getState().setView('settings')}
      >
        <Settings size={15} aria-hidden />
        <span>Settings</span>
        <kbd className="shortcut">{modKey},</kbd>
      </button>
    </aside>
  );
}
