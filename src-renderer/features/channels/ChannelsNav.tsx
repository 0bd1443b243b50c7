import { Check, X } from 'lucide-react';
import { useState } from 'react';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { useChannels } from '../../stores/channels.js';
import { useConversations } from '../../stores/conversations.js';
import { selectConversation } from '../conversations/actions.js';
import { PlatformIcon, PLATFORM_NAMES } from './PlatformIcon.js';

const shown = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

/** The conversations of the owner's chat channels (their ids), so the plain list can leave them out. */
export function useChannelConversationIds(): Set<string> {
  const chats = useChannels((s) => s.chats);
  return new Set(chats.map((c) => c.conversationId));
}

/** Sidebar → Channels: pairing codes waiting for the owner at the top, then each chat as a conversation. */
export function ChannelsNav() {
  const chats = useChannels((s) => s.chats);
  const pairings = useChannels((s) => s.pairings);
  const conversations = useConversations((s) => s.list);
  const selectedId = useConversations((s) => s.selectedId);
  const [error, setError] = useState<string | null>(null);
  if (chats.length === 0 && pairings.length === 0) return null;

  async function answer(code: string, approve: boolean): Promise<void> {
    setError(null);
    try {
      await client().call(approve ? 'channels.approve' : 'channels.reject', { code });
      useChannels.getState().pairingResolved(code);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const titled = chats.map((chat) => ({
    chat,
    title: conversations.find((c) => c.id === chat.conversationId)?.title ?? chat.title,
    updatedAt: conversations.find((c) => c.id === chat.conversationId)?.updatedAt ?? 0,
  }));
  titled.sort((a, b) => b.updatedAt - a.updatedAt);

  return (
    <nav className="channels-nav" aria-labelledby="channels-nav-title" data-testid="channels-nav">
      <h2 id="channels-nav-title" className="sidebar-heading">
        Channels
      </h2>
      {pairings.length > 0 && (
        <ul className="pairing-list" aria-label="Pairing requests">
          {pairings.map((p) => (
            <li key={p.code} className="pairing-row" data-testid="pairing-request" data-code={p.code}>
              <PlatformIcon kind={p.kind} />
              <span className="pairing-text">
                {p.senderName} · <code>{shown(p.code)}</code>
                {p.asOwner && <span className="muted"> (becomes owner)</span>}
              </span>
              <button
                type="button"
                className="icon-button"
                data-testid="pairing-approve"
                aria-label={`Approve ${p.senderName} on ${PLATFORM_NAMES[p.kind]} (code ${shown(p.code)})`}
                title="Approve"
                onClick={() => void answer(p.code, true)}
              >
                <Check size={13} aria-hidden />
              </button>
              <button
                type="button"
                className="icon-button"
                data-testid="pairing-reject"
                aria-label={`Reject ${p.senderName} on ${PLATFORM_NAMES[p.kind]}`}
                title="Reject"
                onClick={() => void answer(p.code, false)}
              >
                <X size={13} aria-hidden />
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="row-error" role="alert">
          {error}
        </p>
      )}
      <ul className="conversation-list">
        {titled.map(({ chat, title }) => (
          <li
            key={chat.conversationId}
            className="conversation-row"
            data-testid="channel-conversation"
            data-kind={chat.kind}
            data-active={chat.conversationId === selectedId ? 'true' : 'false'}
          >
            <button
              type="button"
              className="conversation-select channel-select"
              aria-current={chat.conversationId === selectedId ? 'page' : undefined}
              onClick={() => selectConversation(chat.conversationId)}
              title={title}
            >
              <PlatformIcon kind={chat.kind} />
              <span>{title}</span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
