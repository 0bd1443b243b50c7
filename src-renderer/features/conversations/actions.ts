import type { Conversation } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { openConversation } from '../chat/open-conversation.js';
import { useConversations } from '../../stores/conversations.js';
import { useMessages } from '../../stores/messages.js';
import { useUi } from '../../stores/ui.js';
import { reusableEmptyChat } from './empty-chat.js';

export function selectConversation(id: string): void {
  useConversations.getState().select(id);
  useUi.getState().setView('chat');
  void openConversation(id);
}

/** The conversation being made: a message typed while New chat is on its way goes into it, not a second one. */
let creating: Promise<Conversation> | null = null;

export function createConversation(): Promise<Conversation> {
  creating ??= (async () => {
    try {
      const conversation = await client().call('conversations.create', {});
      useConversations.getState().upsert(conversation);
      selectConversation(conversation.id);
      useUi.getState().focusComposer();
      return conversation;
    } finally {
      creating = null;
    }
  })();
  return creating;
}

/** "New chat" (Ctrl+N, the button, the tray): an empty new chat is opened again, not made twice. */
export async function openNewChat(): Promise<Conversation> {
  const { list, selectedId } = useConversations.getState();
  const { pending } = useMessages.getState();
  const empty = reusableEmptyChat(list, selectedId, (id) => pending.some((p) => p.conversationId === id));
  if (!empty) return createConversation();
  if (empty.id !== selectedId || useUi.getState().view !== 'chat') selectConversation(empty.id);
  useUi.getState().focusComposer();
  return empty;
}

export async function renameConversation(id: string, title: string): Promise<void> {
  const conversation = await client().call('conversations.rename', { id, title });
  useConversations.getState().upsert(conversation);
}

export async function setPinned(id: string, pinned: boolean): Promise<void> {
  useConversations.getState().upsert(await client().call('conversations.pin', { id, pinned }));
}

export async function setArchived(id: string, archived: boolean): Promise<void> {
  useConversations.getState().upsert(await client().call('conversations.archive', { id, archived }));
}

export async function deleteConversation(id: string): Promise<void> {
  await client().call('conversations.delete', { id });
  forgetConversation(id);
}

/** Shared by the delete answer and the conversation.deleted event (another window may delete). */
export function forgetConversation(id: string): void {
  const wasSelected = useConversations.getState().selectedId === id;
  useConversations.getState().remove(id);
  if (wasSelected) void openConversation(useConversations.getState().selectedId);
}
