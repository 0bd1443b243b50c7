import type { Conversation } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import type { Client } from '../../lib/client.js';
import { errorMessage } from '../../lib/client.js';
import type { Transport } from '../../lib/transport.js';
import { useConnection } from '../../stores/connection.js';
import { readRemembered } from '../../stores/conversations.js';
import { useQuickPrompt } from '../../stores/quick-prompt.js';
import { useSettings } from '../../stores/settings.js';
import type { QuickSendAttempt } from './quick-prompt-model.js';

/** The list (for "current conversation") and settings (for the theme); read on connect and on focus. */
export async function refreshQuickPrompt(): Promise<void> {
  const [list, settings] = await Promise.allSettled([
    client().call('conversations.list', {}),
    client().call('settings.get', {}),
  ]);
  if (settings.status === 'fulfilled') useSettings.getState().setSnapshot(settings.value);
  if (list.status === 'fulfilled') {
    useQuickPrompt.getState().setConversations(list.value.conversations, readRemembered());
  } else {
    useQuickPrompt.getState().setLoadError(errorMessage(list.reason));
  }
}

/** A lighter sync than the main window's: no messages, tools or audit, just what the prompt shows. */
export function startQuickSync(transport: Transport, c: Client): () => void {
  const onState = (state: ReturnType<Transport['getState']>) => {
    useConnection.getState().setState(state);
    if (state === 'connected') void refreshQuickPrompt();
  };
  const unsubscribers = [
    transport.onState(onState),
    c.on('conversation.updated', ({ conversation }) => useQuickPrompt.getState().upsert(conversation)),
    c.on('conversation.deleted', ({ id }) => useQuickPrompt.getState().remove(id)),
    c.on('settings.updated', ({ settings }) => useSettings.getState().setSnapshot(settings)),
  ];
  onState(transport.getState());
  return () => {
    for (const u of unsubscribers) u();
  };
}

/** Creates the conversation first for "new" (once: a retry reuses it), then sends. */
export async function sendQuickPrompt(attempt: QuickSendAttempt): Promise<Conversation> {
  if (!attempt.conversation) attempt.conversation = await client().call('conversations.create', {});
  const conversation = attempt.conversation;
  await client().call('chat.send', {
    conversationId: conversation.id,
    text: attempt.text,
    clientMessageId: attempt.clientMessageId,
  });
  return conversation;
}
