import { useState } from 'react';
import type { Message } from '../../../src-main/core/protocol/index.js';
import { editAndResend } from './message-actions.js';

/** The owner's message as an editable box: Enter (or Send) resends it as a new branch, Esc cancels. */
export function EditMessage({ message, onDone }: { message: Message; onDone(): void }) {
  const [text, setText] = useState(message.content);
  const [sending, setSending] = useState(false);
  const changed = text.trim() !== '' && text.trim() !== message.content.trim();

  async function submit(): Promise<void> {
    if (!changed || sending) return;
    setSending(true);
    const sent = await editAndResend(message, text.trim());
    setSending(false);
    if (sent) onDone();
  }

  return (
    <form
      className="edit-message"
      data-testid="edit-message"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <textarea
        className="edit-message-input"
        data-testid="edit-message-input"
        aria-label="Edit your message"
        value={text}
        autoFocus
        rows={Math.min(10, Math.max(2, text.split('\n').length))}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            void submit();
          } else if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onDone();
          }
        }}
      />
      <p className="edit-message-note">Sending starts a new branch here; the old one stays as version 1.</p>
      <div className="edit-message-actions">
        <button type="button" className="button button-small" onClick={onDone}>
          Cancel
        </button>
        <button
          type="submit"
          className="button button-small button-primary"
          data-testid="edit-message-send"
          disabled={!changed || sending}
        >
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
    </form>
  );
}
