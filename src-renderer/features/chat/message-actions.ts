import type { Message } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { markdownToPlainText } from '../../lib/plain-text.js';
import { useMessages } from '../../stores/messages.js';
import { describeSendError } from './send-errors.js';

function failed(what: string, err: unknown): void {
  useMessages.getState().setSendError(`${what}: ${errorMessage(err)}`);
}

/** Copies a message as its Markdown source or as the plain text a reader sees. */
export async function copyMessage(message: Message, as: 'markdown' | 'plain'): Promise<boolean> {
  const text = as === 'markdown' ? message.content : markdownToPlainText(message.content);
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (err) {
    failed('Could not copy', err);
    return false;
  }
}

/** A new version of a reply; the current one stays browsable as an earlier version. */
export async function regenerate(message: Message): Promise<void> {
  useMessages.getState().setSendError(null);
  try {
    const { assistantMessage } = await client().call('chat.regenerate', {
      conversationId: message.conversationId,
      messageId: message.id,
    });
    useMessages.getState().upsertMessages(message.conversationId, [assistantMessage]);
  } catch (err) {
    useMessages.getState().setSendError(`Could not write a new version: ${describeSendError(err)}`);
  }
}

/** Sends the edited text as a new branch from this message; resolves false when it was not sent. */
export async function editAndResend(message: Message, text: string): Promise<boolean> {
  useMessages.getState().setSendError(null);
  try {
    const result = await client().call('chat.edit', {
      conversationId: message.conversationId,
      messageId: message.id,
      text,
      clientMessageId: crypto.randomUUID(),
    });
    useMessages
      .getState()
      .upsertMessages(message.conversationId, [result.userMessage, result.assistantMessage]);
    return true;
  } catch (err) {
    useMessages.getState().setSendError(`Could not send the edited message: ${describeSendError(err)}`);
    return false;
  }
}

export async function switchVersion(message: Message, version: number): Promise<void> {
  try {
    await client().call('messages.switchVersion', {
      conversationId: message.conversationId,
      index: message.index,
      version,
    });
  } catch (err) {
    failed('Could not show that version', err);
  }
}

export async function deleteMessages(message: Message, scope: 'message' | 'rest'): Promise<void> {
  await client().call('messages.delete', {
    conversationId: message.conversationId,
    messageId: message.id,
    scope,
  });
}
