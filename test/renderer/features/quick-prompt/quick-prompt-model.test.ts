import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../../../src-main/core/protocol/index.js';
import {
  currentConversation,
  isQuickPromptHash,
  planAttempt,
  quickKeyAction,
} from '../../../../src-renderer/features/quick-prompt/quick-prompt-model.js';

function conv(id: string, updatedAt = 0): Conversation {
  return { id, title: id, createdAt: 0, updatedAt, messageCount: 0, modelRef: null };
}

let n = 0;
const newId = () => `k${++n}`;

describe('quick prompt', () => {
  it('opens only for the #quick fragment', () => {
    expect(isQuickPromptHash('#quick')).toBe(true);
    expect(isQuickPromptHash('')).toBe(false);
    expect(isQuickPromptHash('#token=abc')).toBe(false);
  });

  it('sends to the main window’s selection, else the most recently updated conversation', () => {
    const list = [conv('b', 2), conv('a', 1)];
    expect(currentConversation(list, 'a')?.id).toBe('a');
    expect(currentConversation(list, 'gone')?.id).toBe('b');
    expect(currentConversation(list, null)?.id).toBe('b');
    expect(currentConversation([], 'a')).toBeNull();
  });

  it('maps keys: Enter sends, Shift+Enter is a newline, Esc closes, IME input is left alone', () => {
    expect(quickKeyAction('Enter', false, false)).toBe('send');
    expect(quickKeyAction('Enter', true, false)).toBeNull();
    expect(quickKeyAction('Enter', false, true)).toBeNull();
    expect(quickKeyAction('Escape', false, false)).toBe('close');
    expect(quickKeyAction('a', false, false)).toBeNull();
  });

  it('retries with the same idempotency key and created conversation, but not after a change', () => {
    const current = conv('a');
    const first = planAttempt(null, ' hi ', 'new', current, newId);
    expect(first).toMatchObject({ text: 'hi', target: 'new', conversation: null });
    first.conversation = conv('created');
    expect(planAttempt(first, 'hi', 'new', current, newId)).toBe(first);
    const edited = planAttempt(first, 'hi there', 'new', current, newId);
    expect(edited.clientMessageId).not.toBe(first.clientMessageId);
    expect(edited.conversation).toBeNull();

    const toCurrent = planAttempt(first, 'hi', 'current', current, newId);
    expect(toCurrent).toMatchObject({ target: 'current', conversation: current });
    expect(planAttempt(toCurrent, 'hi', 'current', conv('b'), newId)).not.toBe(toCurrent);
  });

  it('falls back to a new conversation when there is no current one', () => {
    expect(planAttempt(null, 'hi', 'current', null, newId)).toMatchObject({
      target: 'new',
      conversation: null,
    });
  });
});
