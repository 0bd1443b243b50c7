import { PanelLeft, PanelRight, SlidersHorizontal } from 'lucide-react';
import { modKey } from '../../lib/platform.js';
import { ConversationSettingsPanel } from './ConversationSettingsPanel.js';
import { useConversations } from '../../stores/conversations.js';
import { useMessages } from '../../stores/messages.js';
import { useSettings } from '../../stores/settings.js';
import { sidebarHidden, useUi } from '../../stores/ui.js';
import { ExportButtons } from '../conversations/ExportButtons.js';
import { openConversation } from './open-conversation.js';
import { Composer } from './Composer.js';
import { EmptyConversation } from './EmptyConversation.js';
import { ToolsOffNotice } from '../local-models/ToolsOffNotice.js';
import { MessageList } from './MessageList.js';
import { ModelPicker } from './ModelPicker.js';
import { ProviderSetupCard } from './ProviderSetupCard.js';
import { LabReview } from '../lab/LabReview.js';
import { LabsBar } from '../lab/LabsBar.js';
import { useLabs } from '../../stores/labs.js';

export function ConversationView() {
  const conversationId = useMessages((s) => s.conversationId);
  const status = useMessages((s) => s.status);
  const loadError = useMessages((s) => s.loadError);
  const count = useMessages((s) => s.total + s.pending.length);
  const conversation = useConversations((s) => s.list.find((c) => c.id === conversationId));
  const title = conversation?.title;
  // "No provider" is the one missing step the setup card teaches; a missing model is the picker's job.
  const needsProvider = useSettings((s) => s.snapshot !== null && s.snapshot.providers.length === 0);
  const inspectorOpen = useUi((s) => s.inspectorOpen);
  const sidebarCollapsed = useUi(sidebarHidden);
  const settingsOpen = useUi((s) => s.conversationSettingsOpen);
  const setSettingsOpen = (open: boolean) => useUi.getState().setConversationSettingsOpen(open);
  const reviewing = useLabs((s) =>
    s.reviewing && s.byId[s.reviewing]?.conversationId === conversationId ? s.reviewing : null,
  );

  let body;
  if (status === 'error') {
    body = (
      <div className="empty-state" role="alert">
        <h2>This conversation did not load</h2>
        <p>{loadError}</p>
        <button type="button" className="button" onClick={() => void openConversation(conversationId)}>
          Try again
        </button>
      </div>
    );
  } else if (count > 0) {
    body = <MessageList key={conversationId} />;
  } else if (needsProvider) {
    body = (
      <div className="center-scroll">
        <ProviderSetupCard />
      </div>
    );
  } else if (status === 'loading') {
    body = <div className="loading-state" aria-busy="true" aria-label="Loading messages" />;
  } else {
    body = <EmptyConversation />;
  }

  return (
    <section className="conversation" aria-label={title ?? 'Conversation'}>
      <header className="view-header">
        {sidebarCollapsed && (
          <button
            type="button"
            className="icon-button sidebar-toggle"
            data-testid="sidebar-expand"
            aria-label="Show the sidebar"
            aria-keyshortcuts="Control+B Meta+B"
            title={`Show the sidebar (${modKey}B)`}
            aria-expanded={false}
            onClick={() => {
              useUi.getState().toggleSidebar();
              // The drawer takes the focus so the keyboard lands in it (Esc gives it back).
              requestAnimationFrame(() =>
                document.querySelector<HTMLElement>('.sidebar [data-testid="new-conversation"]')?.focus(),
              );
            }}
          >
            <PanelLeft size={16} aria-hidden />
          </button>
        )}
        <h1 className="view-title">{title ?? 'New chat'}</h1>
        {conversation && <ModelPicker conversation={conversation} />}
        {conversation && count > 0 && <ExportButtons conversationId={conversation.id} />}
        {conversation && (
          <button
            type="button"
            className="icon-button"
            data-testid="conversation-settings-open"
            aria-label="Conversation settings"
            aria-haspopup="dialog"
            title="Conversation settings: system prompt, temperature, tools, memory"
            onClick={() => setSettingsOpen(true)}
          >
            <SlidersHorizontal size={16} aria-hidden />
          </button>
        )}
        <button
          type="button"
          className="icon-button"
          aria-label={inspectorOpen ? 'Hide inspector' : 'Show inspector'}
          aria-expanded={inspectorOpen}
          aria-controls="inspector"
          title="Inspector"
          onClick={() => useUi.getState().toggleInspector()}
        >
          <PanelRight size={16} aria-hidden />
        </button>
      </header>
      {conversation && <ToolsOffNotice conversation={conversation} />}
      {reviewing ? (
        <LabReview key={reviewing} labId={reviewing} />
      ) : (
        <>
          <div className="conversation-body">{body}</div>
          {needsProvider && count > 0 && <ProviderSetupCard compact />}
          {conversationId && <LabsBar conversationId={conversationId} />}
          <Composer />
        </>
      )}
      {settingsOpen && conversation && (
        <ConversationSettingsPanel conversation={conversation} onClose={() => setSettingsOpen(false)} />
      )}
    </section>
  );
}
