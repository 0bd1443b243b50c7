import { AlertTriangle, RotateCcw } from 'lucide-react';
import { memo, useState } from 'react';
import { ActiveMessage } from './active-message.js';
import type { Message } from '../../../src-main/core/protocol/index.js';
import { modelLabel } from '../../lib/model-ref.js';
import { formatUsage, pricesNote } from '../../lib/usage-format.js';
import { useAgents } from '../../stores/agents.js';
import { useConnection } from '../../stores/connection.js';
import { useMessages, type PendingMessage } from '../../stores/messages.js';
import { findProvider, selectProviders, useSettings } from '../../stores/settings.js';
import { useToolCalls } from '../../stores/tool-calls.js';
import { PausedNotice } from '../kernel/PausedNotice.js';
import { MessageMemories } from '../memory/MessageMemories.js';
import { MessageProposals } from '../swarms/ProposalCard.js';
import { SwarmHostCard } from '../swarms/SwarmHostCard.js';
import { ReplyToolActivity } from '../tools/ReplyToolActivity.js';
import { retryFrom } from './actions.js';
import { RetryNoticeView, ToolCallCard } from './LiveActivityView.js';
import { MarkdownContent } from './MarkdownContent.js';
import { AttachmentList } from './AttachmentList.js';
import { EditMessage } from './EditMessage.js';
import { MessageActions } from './MessageActions.js';
import { modelChanged } from './model-change.js';
import { useMessageHighlight } from './reveal-message.js';

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
  const highlighted = useMessageHighlight(
    (s) => s.conversationId === message.conversationId && s.index === message.index,
  );
  // Its actions join the Tab order only while focus is in this message (the feed pattern): Tab
  // from the list still reaches what follows it, and arrows move between messages.
  const [active, setActive] = useState(false);
  return (
    <article
      className={isUser ? 'message message-user' : 'message message-assistant'}
      data-testid="message"
      data-role={message.role}
      data-status={message.status}
      data-highlighted={highlighted ? 'true' : undefined}
      tabIndex={-1}
      onFocus={() => setActive(true)}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setActive(false);
      }}
      aria-posinset={message.index + 1}
      aria-setsize={count}
      aria-label={isUser ? 'Your message' : 'Reply from Cell 0'}
      aria-busy={message.status === 'streaming'}
    >
      <ActiveMessage.Provider value={active}>
        {isUser ? <UserBody message={message} /> : <AssistantBody message={message} isLast={isLast} />}
      </ActiveMessage.Provider>
    </article>
  );
}

function UserBody({ message }: { message: Message }) {
  const [editing, setEditing] = useState(false);
  if (editing) return <EditMessage message={message} onDone={() => setEditing(false)} />;
  return (
    <>
      {message.attachments && <AttachmentList attachments={message.attachments} />}
      <div className="bubble">{message.content}</div>
      <MessageActions message={message} onEdit={() => setEditing(true)} />
    </>
  );
}

function AssistantBody({ message, isLast }: { message: Message; isLast: boolean }) {
  const streaming = message.status === 'streaming';
  const live = useMessages((s) => s.live[message.id]);
  const knownToolIds = useToolCalls((s) => s.byId);
  const paused = useAgents((s) => s.status?.paused ?? false);
  return (
    <div className={streaming ? 'assistant-body streaming' : 'assistant-body'}>
      <ModelLine message={message} />
      <SwarmHostCard messageId={message.id} />
      <ReplyToolActivity messageId={message.id} />
      {message.content !== '' && <MarkdownContent text={message.content} />}
      {/* A request the kernel has not reported on (yet); its full card replaces this one when it does. */}
      {live?.toolCalls
        .filter((call) => !knownToolIds[call.toolCallId])
        .map((call) => (
          <ToolCallCard key={call.toolCallId} call={call} />
        ))}
      {streaming && live?.retrying && <RetryNoticeView notice={live.retrying} />}
      {streaming && paused && <PausedNotice />}
      {streaming && message.content === '' && !live?.retrying && !paused && (
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
      <MessageProposals messageId={message.id} />
      {!streaming && message.usage && <UsageLine message={message} />}
      <MessageMemories message={message} />
      {!streaming && <MessageActions message={message} />}
    </div>
  );
}

/** Which model wrote a reply: shown when it changed since the reply before, else on hover or focus. */
function ModelLine({ message }: { message: Message }) {
  const changed = useMessages((s) => modelChanged((i) => s.cache.get(i), message));
  const providerName = useSettings((s) => findProvider(selectProviders(s), message.providerId)?.name);
  if (!message.model) return null;
  return (
    <p
      className={changed ? 'message-model shown' : 'message-model'}
      data-testid="message-model"
      title={`Written by ${modelLabel(message.model, providerName)}`}
    >
      {modelLabel(message.model, providerName)}
    </p>
  );
}

function UsageLine({ message }: { message: Message }) {
  const local = useSettings((s) => !!findProvider(selectProviders(s), message.providerId)?.local);
  const pricesAsOf = useConnection((s) => s.appInfo?.pricesAsOf);
  if (!message.usage) return null;
  const text = formatUsage(message.usage, local);
  if (text === '') return null;
  return (
    <p
      className="message-usage"
      data-testid="message-usage"
      title={`Tokens read · tokens written · cost, ${local ? 'free on this machine' : pricesNote(pricesAsOf)}`}
    >
      {text}
    </p>
  );
}
