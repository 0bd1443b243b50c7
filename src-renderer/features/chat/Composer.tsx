import { ArrowUp, FlaskConical, Network, Square, X } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { useConnection } from '../../stores/connection.js';
import { canChat } from '../../lib/model-ref.js';
import { plural } from '../../lib/plural.js';
import { runningConversationCount } from '../../lib/running-replies.js';
import { useRunningReplies } from '../../stores/running-replies.js';
import { StopAllButton } from '../kernel/StopAllButton.js';
import { parseSwarmCommand, startSwarm, stopConversationSwarm } from '../swarms/actions.js';
import { useConversations } from '../../stores/conversations.js';
import { useMessages } from '../../stores/messages.js';
import { useSettings } from '../../stores/settings.js';
import { useUi } from '../../stores/ui.js';
import { sendMessage, stopStreaming } from './actions.js';

export function Composer() {
  const [text, setText] = useState('');
  const [asSwarm, setAsSwarm] = useState(false);
  // Dry run: the reply (or, for a swarm, the whole run: "Simulate first") works in a lab.
  const [dryRun, setDryRun] = useState(false);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const conversationId = useMessages((s) => s.conversationId);
  const busy = useMessages((s) => s.streaming || s.pending.length > 0);
  const sendError = useMessages((s) => s.sendError);
  const conversation = useConversations((s) => s.list.find((c) => c.id === conversationId));
  const snapshot = useSettings((s) => s.snapshot);
  const providerReady = canChat(snapshot, conversation);
  const settingsLoaded = snapshot !== null;
  const noProviders = settingsLoaded && snapshot.providers.length === 0;
  const connected = useConnection((s) => s.state === 'connected');
  const focusRequest = useUi((s) => s.composerFocusRequest);
  const runningConversations = useRunningReplies((s) => runningConversationCount(s.byConversation));

  const inputDisabled = settingsLoaded && !providerReady;
  const canSend = connected && providerReady && !busy && text.trim() !== '';

  useEffect(() => {
    textareaRef.current?.focus();
  }, [focusRequest, conversationId]);

  async function submit(): Promise<void> {
    if (!canSend) return;
    const value = text;
    setText('');
    // `/swarm <task>` or the swarm toggle runs the task as a swarm instead of one reply.
    const swarmTask = parseSwarmCommand(value) ?? (asSwarm ? value : null);
    const sent =
      swarmTask !== null
        ? await startSwarm(swarmTask, { simulate: dryRun })
        : await sendMessage(value, { dryRun });
    if (sent && swarmTask !== null) setAsSwarm(false);
    // Give the words back on failure, unless the person already started typing something else.
    if (!sent) setText((current) => (current === '' ? value : current));
  }

  let hint: string | null = null;
  if (inputDisabled && noProviders) hint = 'Connect a model in Settings to start chatting.';
  else if (inputDisabled) hint = 'Choose a model for this chat above, or set a default model in Settings.';
  else if (!connected) hint = 'Reconnecting to Cell 0…';

  return (
    <div className="composer-wrap">
      {sendError && (
        <div className="composer-error" role="alert">
          <span>{sendError}</span>
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss error"
            onClick={() => useMessages.getState().setSendError(null)}
          >
            <X size={14} aria-hidden />
          </button>
        </div>
      )}
      {connected && runningConversations >= 2 && (
        <div className="composer-stop-all-row">
          <span>{plural(runningConversations, 'conversation')} are running.</span>
          <StopAllButton place="composer" />
        </div>
      )}
      <form
        className="composer"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <textarea
          ref={textareaRef}
          data-testid="composer-input"
          className="composer-input"
          rows={1}
          value={text}
          disabled={inputDisabled}
          placeholder={
            inputDisabled ? (noProviders ? 'No model connected' : 'No model chosen') : 'Message Cell 0'
          }
          aria-label="Message"
          aria-describedby={hint ? 'composer-hint' : undefined}
          aria-keyshortcuts="Enter Shift+Enter Escape"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void submit();
            }
          }}
        />
        <button
          type="button"
          className={asSwarm ? 'composer-toggle on' : 'composer-toggle'}
          data-testid="composer-swarm-toggle"
          aria-pressed={asSwarm}
          aria-label="Run as swarm"
          title="Run as swarm: agents split the task and work side by side (or type /swarm and a task)"
          disabled={inputDisabled}
          onClick={() => setAsSwarm((v) => !v)}
        >
          <Network size={15} aria-hidden />
        </button>
        <button
          type="button"
          className={dryRun ? 'composer-toggle on' : 'composer-toggle'}
          data-testid="composer-dry-run-toggle"
          aria-pressed={dryRun}
          aria-label={asSwarm || text.trim().startsWith('/swarm') ? 'Simulate first' : 'Dry run'}
          title={
            asSwarm || text.trim().startsWith('/swarm')
              ? 'Simulate first: the whole swarm works in one lab; you review its changes once at the end'
              : 'Dry run: the whole reply works in a lab; nothing reaches your files until you apply'
          }
          disabled={inputDisabled}
          onClick={() => setDryRun((v) => !v)}
        >
          <FlaskConical size={15} aria-hidden />
        </button>
        {busy ? (
          <button
            type="button"
            className="composer-button stop"
            data-testid="stop-button"
            aria-label="Stop the reply (Esc)"
            title="Stop (Esc)"
            onClick={() =>
              void stopConversationSwarm(conversationId).then((was) => (was ? undefined : stopStreaming()))
            }
          >
            <Square size={14} aria-hidden fill="currentColor" />
          </button>
        ) : (
          <button
            type="submit"
            className="composer-button"
            data-testid="send-button"
            aria-label={asSwarm ? 'Start the swarm (Enter)' : 'Send (Enter)'}
            title={asSwarm ? 'Start the swarm (Enter)' : 'Send (Enter)'}
            disabled={!canSend}
          >
            <ArrowUp size={16} aria-hidden />
          </button>
        )}
      </form>
      <p className="composer-hint" id="composer-hint">
        {hint ?? (
          <>
            <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line
            {busy && (
              <>
                {' '}
                · <kbd>Esc</kbd> to stop
              </>
            )}
          </>
        )}
      </p>
    </div>
  );
}
