import { AlertTriangle, RotateCcw } from 'lucide-react';
import { memo } from 'react';
import type { Message } from '../../../src-main/core/protocol/index.js';
import { useMessages, type PendingMessage } from '../../stores/messages.js';
import { retryFrom } from './actions.js';
import { MarkdownContent } from './MarkdownContent.js';

interface RowProps {
  index: number;
  count: number;
}

/** One virtual row: a stored message, an optimistic one, or a placeholder until its page arrives. */
export const MessageRow = memo(function MessageRow({ index, count }: RowProps) {
  const message = useMessages((s) => (index < s.total ? s.cache.get(index) : undefined));
  const pending = useMessages((s) => (index >= s.total ? s.pending[index - s.total] : undefined));
  const isLast = useMessages((s) => index === s.total - 1 && s.pending.length === 0);

  if (pending) return <PendingRow pending={pending} index={index} count={count} />;
  if (!message) return <SkeletonRow />;
  return <StoredRow message={message} isLast={isLast} count={count} />;
});

function SkeletonRow() {
  return (
    <div className="message-skeleton" aria-hidden>
      <span className="skeleton-line" />
      <span className="skeleton-line short" />
    </div>
  );
}

function PendingRow({ pending, index, count }: { pending: PendingMessage; index: number; count: number }) {
  return (
    <article
      className="message message-user"
      data-testid="message"
      data-role="user"
      data-status="pending"
      aria-posinset={index + 1}
      aria-setsize={count}
      aria-label="Your message, sending"
    >
      <div className="bubble">{pending.text}</div>
    </article>
  );
}

function StoredRow({ message, isLast, count }: { message: Message; isLast: boolean; count: number }) {
  const isUser = message.role === 'user';
  return (
    <article
      className={isUser ? 'message message-user' : 'message message-assistant'}
      data-testid="message"
      data-role={message.role}
      data-status={message.status}
      aria-posinset={message.index + 1}
      aria-setsize={count}
      aria-label={isUser ? 'Your message' : 'Reply from Cell 0'}
      aria-busy={message.status === 'streaming'}
    >
      {isUser ? (
        <div className="bubble">{message.content}</div>
      ) : (
        <AssistantBody message={message} isLast={isLast} />
      )}
    </article>
  );
}

function AssistantBody({ message, isLast }: { message: Message; isLast: boolean }) {
  const streaming = message.status === 'streaming';
  return (
    <div className={streaming ? 'assistant-body streaming' : 'assistant-body'}>
      {message.content !== '' && <MarkdownContent text={message.content} />}
      {streaming && message.content === '' && (
        <span className="typing" role="status" aria-label="Cell 0 is writing">
          <span />
          <span />
          <span />
        </span>
      )}
      {message.status === 'stopped' && <span className="message-mark">Stopped</span>}
      {message.status === 'interrupted' && (
        <span className="message-mark">Interrupted (the app closed while this was streaming)</span>
      )}
      {message.status === 'error' && (
        <div className="message-error-box">
          <AlertTriangle size={16} aria-hidden className="message-error-icon" />
          <p className="message-error-text" data-testid="message-error">
            {message.error?.message ?? 'The reply failed for an unknown reason.'}
          </p>
          {isLast && (
            <button type="button" className="button button-small" onClick={() => retryFrom(message.index)}>
              <RotateCcw size={14} aria-hidden />
              Retry
            </button>
          )}
        </div>
      )}
    </div>
  );
}
