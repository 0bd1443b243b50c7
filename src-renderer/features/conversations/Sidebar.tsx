import { Brain, Network, Plus, ScrollText, Search, Settings, Zap } from 'lucide-react';
import { newChat } from '../../app/use-global-shortcuts.js';
import { modKey } from '../../lib/platform.js';
import { useConversations } from '../../stores/conversations.js';
import { useUi } from '../../stores/ui.js';
import { ChannelsNav, useChannelConversationIds } from '../channels/ChannelsNav.js';
import { usePalette } from '../search/palette-store.js';
import { ConversationRow } from './ConversationRow.js';

export function Sidebar() {
  const all = useConversations((s) => s.list);
  // Channel chats are listed under Channels, with their platform's icon.
  const channelIds = useChannelConversationIds();
  const list = all.filter((c) => !channelIds.has(c.id));
  const loaded = useConversations((s) => s.loaded);
  const selectedId = useConversations((s) => s.selectedId);
  const view = useUi((s) => s.view);

  return (
    <aside className="sidebar" aria-label="Sidebar">
      <div className="sidebar-brand">
        <span className="brand-mark" aria-hidden />
        <span className="brand-name">Cell 0</span>
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
        <ul className="conversation-list">
          {list.map((c) => (
            // One highlight at a time: a conversation is current only while the chat view shows it.
            <ConversationRow key={c.id} conversation={c} active={view === 'chat' && c.id === selectedId} />
          ))}
        </ul>
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
