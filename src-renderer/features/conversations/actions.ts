import type { Conversation } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { openConversation } from '../chat/open-conversation.js';
import { useConversations } from '../../stores/conversations.js';
import { useUi } from '../../stores/ui.js';

export function selectConversation(id: string): void {
  useConversations.getState().select(id);
  useUi.getState().setView('chat');
  void openConversation(id);
}

export async function createConversation(): Promise<Conversation> {
  const conversation = await client().call('conversations.create', {});
  useConversations.getState().upsert(conversation);
  selectConversation(conversation.id);
  useUi.getState().focusComposer();
  return conversation;
}

export async function renameConversation(id: string, title: string): Promise<void> {
  const conversation = await client().call('conversations.rename', { id, title });
  useConversations.getState().upsert(conversation);
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
