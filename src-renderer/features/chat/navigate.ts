import { client } from '../../app/client-instance.js';
import { locateMessage, targetMessageId, type NavigateTarget } from '../../lib/navigation.js';
import { useConversations } from '../../stores/conversations.js';
import { useMessages } from '../../stores/messages.js';
import { usePermissions } from '../../stores/permissions.js';
import { useUi } from '../../stores/ui.js';
import { loadPendingPermissions } from '../permissions/actions.js';
import { openConversation, PAGE_SIZE } from './open-conversation.js';

/** 20 pages of 100: far enough back for anything a notification or the tray points at. */
const MAX_PAGES = 20;

function requestMessageId(requestId: string): string | undefined {
  return usePermissions.getState().byId[requestId]?.request.messageId;
}

/** True while the window still shows the conversation this navigation opened. */
function stillShowing(conversationId: string): boolean {
  return useMessages.getState().conversationId === conversationId && useUi.getState().view === 'chat';
}

/**
 * ui.navigate (a notification or the tray was clicked): open the conversation in the chat view and
 * scroll to the message, or to the permission card and focus it. A later click or selection wins.
 */
export async function navigateTo(target: NavigateTarget): Promise<void> {
  const { conversationId, permissionRequestId } = target;
  useConversations.getState().select(conversationId);
  useUi.getState().setView('chat');
  const shown = useMessages.getState();
  if (shown.conversationId !== conversationId || shown.status === 'error') {
    await openConversation(conversationId);
  }
  if (!stillShowing(conversationId)) return;

  let messageId = targetMessageId(target, requestMessageId);
  if (!messageId && permissionRequestId) {
    // The request may be newer than this window's snapshot (it was asleep or just reconnected).
    await loadPendingPermissions();
    messageId = targetMessageId(target, requestMessageId);
  }
  if (!messageId) return;

  const { cache } = useMessages.getState();
  let index: number | null;
  try {
    index = await locateMessage(messageId, {
      total: cache.total,
      pageSize: PAGE_SIZE,
      maxPages: MAX_PAGES,
      known: (id) => cache.byId(id)?.index,
      has: (i) => cache.has(i),
      fetchPage: async (offset, limit) => {
        const page = await client().call('messages.page', { conversationId, offset, limit });
        // The rows are about to be shown anyway; keeping them saves the list a second request.
        useMessages.getState().upsertMessages(conversationId, page.messages, page.total);
        return page;
      },
    });
  } catch (err) {
    console.warn('cell0: could not find the message to show', err);
    return;
  }
  if (index === null || !stillShowing(conversationId)) return;
  useUi.getState().requestScroll({ conversationId, index, requestId: permissionRequestId });
}
