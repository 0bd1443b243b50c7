import { Check } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { Conversation } from '../../../src-main/core/protocol/index.js';
import { errorMessage } from '../../lib/client.js';
import { describeModelRef, effectiveModelRef } from '../../lib/model-ref.js';
import { useQuickPrompt } from '../../stores/quick-prompt.js';
import { selectProviders, useSettings } from '../../stores/settings.js';
import { refreshQuickPrompt, sendQuickPrompt } from './actions.js';
import {
  CLOSE_AFTER_SEND_MS,
  currentConversation,
  planAttempt,
  quickKeyAction,
  type QuickSendAttempt,
  type QuickTarget,
} from './quick-prompt-model.js';

type Status =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'sent'; where: string }
  | { kind: 'error'; message: string };

/**
 * The whole page in the `#quick` window: one question, sent to the current or a new conversation,
 * then gone. The desktop shell may hide the window instead of closing it, so focusing it again
 * starts over with a fresh list.
 */
export function QuickPrompt() {
  const conversations = useQuickPrompt((s) => s.conversations);
  const rememberedId = useQuickPrompt((s) => s.rememberedId);
  const loadError = useQuickPrompt((s) => s.loadError);
  const [text, setText] = useState('');
  const [choice, setChoice] = useState<QuickTarget>('current');
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const attempt = useRef<QuickSendAttempt | null>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);

  const current = currentConversation(conversations ?? [], rememberedId);
  const target: QuickTarget = current ? choice : 'new';

  useEffect(() => {
    function onFocus(): void {
      setStatus((s) => (s.kind === 'sent' ? { kind: 'idle' } : s));
      inputRef.current?.focus();
      void refreshQuickPrompt();
    }
    function onKeyDown(e: KeyboardEvent): void {
      // Esc from anywhere in the window (the selector too), unless a native popup took it.
      if (e.key === 'Escape' && !e.defaultPrevented) window.close();
    }
    window.addEventListener('focus', onFocus);
    window.addEventListener('keydown', onKeyDown);
    return () => {
      window.removeEventListener('focus', onFocus);
      window.removeEventListener('keydown', onKeyDown);
    };
  }, []);

  useEffect(() => {
    if (status.kind !== 'sent') return;
    const timer = setTimeout(() => {
      setText('');
      attempt.current = null;
      window.close();
    }, CLOSE_AFTER_SEND_MS);
    return () => clearTimeout(timer);
  }, [status]);

  async function send(): Promise<void> {
    if (!text.trim() || status.kind === 'sending' || status.kind === 'sent') return;
    const next = planAttempt(attempt.current, text, target, current, () => crypto.randomUUID());
    attempt.current = next;
    setStatus({ kind: 'sending' });
    try {
      const conversation = await sendQuickPrompt(next);
      setStatus({
        kind: 'sent',
        where: next.target === 'new' ? 'a new conversation' : `“${conversation.title}”`,
      });
    } catch (err) {
      setStatus({ kind: 'error', message: `Not sent: ${errorMessage(err)}` });
      inputRef.current?.focus();
    }
  }

  const busy = status.kind === 'sending' || status.kind === 'sent';

  return (
    <div className="quick-prompt" data-testid="quick-prompt">
      <textarea
        ref={inputRef}
        className="quick-prompt-input"
        data-testid="quick-prompt-input"
        aria-label="Ask Cell 0"
        placeholder="Ask Cell 0…"
        // The window exists to take this one question; typing must land here at once.
        autoFocus
        rows={3}
        value={text}
        readOnly={busy}
        aria-describedby="quick-prompt-help"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          const action = quickKeyAction(e.key, e.shiftKey, e.nativeEvent.isComposing);
          if (action === 'send') {
            e.preventDefault();
            void send();
          } else if (action === 'close') {
            e.preventDefault();
            window.close();
          }
        }}
      />
      <div className="quick-prompt-footer">
        <label className="quick-prompt-target">
          <span>Send to</span>
          <select
            className="select select-quiet"
            data-testid="quick-prompt-target"
            value={target}
            disabled={busy}
            onChange={(e) => setChoice(e.target.value === 'new' ? 'new' : 'current')}
          >
            <option value="current" disabled={!current}>
              {current ? `Current conversation — ${current.title}` : 'Current conversation (none yet)'}
            </option>
            <option value="new">New conversation</option>
          </select>
        </label>
        <QuickPromptModel conversation={target === 'current' ? (current ?? undefined) : undefined} />
        <QuickPromptStatus status={status} loadError={loadError} />
      </div>
    </div>
  );
}

/** Which model (of which provider) will answer: the target conversation's, else the default. */
function QuickPromptModel({ conversation }: { conversation: Conversation | undefined }) {
  const providers = useSettings(selectProviders);
  const defaultModel = useSettings((s) => s.snapshot?.defaultModel ?? null);
  const ref = effectiveModelRef(conversation, defaultModel);
  if (!ref) return null;
  return (
    <p className="quick-prompt-model muted" data-testid="quick-prompt-model">
      Answers with {describeModelRef(ref, providers)}
    </p>
  );
}

function QuickPromptStatus({ status, loadError }: { status: Status; loadError: string | null }) {
  if (status.kind === 'sent') {
    return (
      <p className="quick-prompt-sent" data-testid="quick-prompt-sent" role="status">
        <Check size={14} aria-hidden />
        Sent to {status.where}
      </p>
    );
  }
  if (status.kind === 'error') {
    return (
      <p className="quick-prompt-error" role="alert">
        {status.message}
      </p>
    );
  }
  if (loadError) {
    return (
      <p className="quick-prompt-error" role="alert">
        Conversations did not load: {loadError}
      </p>
    );
  }
  return (
    <p id="quick-prompt-help" className="quick-prompt-help">
      {status.kind === 'sending' ? (
        'Sending…'
      ) : (
        <>
          <kbd>Enter</kbd> send · <kbd>Shift+Enter</kbd> new line · <kbd>Esc</kbd> close
        </>
      )}
    </p>
  );
}
