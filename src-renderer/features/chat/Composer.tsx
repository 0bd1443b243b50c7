import { ArrowUp, FlaskConical, Network, Paperclip, Square, X } from 'lucide-react';
import type { Attachment } from '../../../src-main/core/protocol/index.js';
import { errorMessage } from '../../lib/client.js';
import { createConversation } from '../conversations/actions.js';
import { AttachmentList } from './AttachmentList.js';
import { attachmentProblem, uploadAttachment } from './attachments.js';
import { FLAG_LABELS, matchSlashCommands, type SlashCommand } from './slash-commands.js';
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
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  const [uploading, setUploading] = useState(0);
  const [attachError, setAttachError] = useState<string | null>(null);
  const [flags, setFlags] = useState<ReadonlySet<string>>(new Set());
  const [slashIndex, setSlashIndex] = useState(0);
  const [slashClosed, setSlashClosed] = useState(false);
  const [dragging, setDragging] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);
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
  const canSend =
    connected && providerReady && !busy && uploading === 0 && (text.trim() !== '' || attachments.length > 0);
  const slashMatches = slashClosed ? [] : matchSlashCommands(text);
  const slashOpen = slashMatches.length > 0;
  const activeSlash = slashMatches[Math.min(slashIndex, slashMatches.length - 1)];

  // Another conversation starts with an empty tray (reset while rendering, as React advises).
  const [trayFor, setTrayFor] = useState(conversationId);
  if (trayFor !== conversationId) {
    setTrayFor(conversationId);
    setAttachments([]);
    setAttachError(null);
    setFlags(new Set());
  }

  function runSlash(command: SlashCommand): void {
    setSlashIndex(0);
    command.run({
      setText,
      // `/dry-run` is the lab's Dry run toggle; other flags show as chips above the composer.
      toggleFlag: (flag) =>
        flag === 'dryRun'
          ? setDryRun((v) => !v)
          : setFlags((current) => {
              const next = new Set(current);
              if (next.has(flag)) next.delete(flag);
              else next.add(flag);
              return next;
            }),
      openConversationSettings: () => useUi.getState().setConversationSettingsOpen(true),
    });
    textareaRef.current?.focus();
  }

  async function attach(files: File[]): Promise<void> {
    setAttachError(null);
    for (const file of files) {
      const problem = attachmentProblem(file);
      if (problem) {
        setAttachError(problem);
        continue;
      }
      setUploading((n) => n + 1);
      try {
        const id = useMessages.getState().conversationId ?? (await createConversation()).id;
        const added = await uploadAttachment(id, file);
        if (useMessages.getState().conversationId === id) setAttachments((list) => [...list, added]);
      } catch (err) {
        setAttachError(`Could not attach “${file.name}”: ${errorMessage(err)}`);
      } finally {
        setUploading((n) => n - 1);
      }
    }
  }

  useEffect(() => {
    textareaRef.current?.focus();
  }, [focusRequest, conversationId]);

  async function submit(): Promise<void> {
    if (!canSend) return;
    const value = text;
    const files = attachments;
    setText('');
    setAttachments([]);
    // `/swarm <task>` or the swarm toggle runs the task as a swarm instead of one reply.
    const swarmTask = parseSwarmCommand(value) ?? (asSwarm ? value : null);
    const sent =
      swarmTask !== null
        ? await startSwarm(swarmTask, { simulate: dryRun })
        : await sendMessage(value, { attachments: files.map((a) => a.path), flags, dryRun });
    if (sent && swarmTask !== null) setAsSwarm(false);
    if (sent) setFlags(new Set());
    // Give the words and files back on failure, unless the person already started something else.
    if (!sent) {
      setText((current) => (current === '' ? value : current));
      setAttachments((current) => (current.length === 0 ? files : current));
    }
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
      {attachError && (
        <div className="composer-error" role="alert" data-testid="attachment-error">
          <span>{attachError}</span>
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss"
            onClick={() => setAttachError(null)}
          >
            <X size={14} aria-hidden />
          </button>
        </div>
      )}
      {slashOpen && (
        <ul
          className="slash-menu"
          role="listbox"
          id="slash-menu"
          aria-label="Commands"
          data-testid="slash-menu"
        >
          {slashMatches.map((c) => (
            <li
              key={c.name}
              id={`slash-${c.name}`}
              role="option"
              className="slash-item"
              data-testid="slash-item"
              aria-selected={c === activeSlash}
              onMouseDown={(e) => {
                e.preventDefault();
                runSlash(c);
              }}
            >
              <span className="slash-command">/{c.name}</span>
              <span className="slash-hint">
                {c.hint}
                {c.source ? ` · from the ${c.source}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      {(attachments.length > 0 || uploading > 0 || flags.size > 0) && (
        <div className="composer-attachments">
          {attachments.length > 0 && (
            <AttachmentList
              attachments={attachments}
              onRemove={(path) => setAttachments((list) => list.filter((a) => a.path !== path))}
            />
          )}
          {uploading > 0 && (
            <p className="composer-hint" role="status" data-testid="attachment-uploading">
              Copying {uploading === 1 ? 'a file' : `${uploading} files`} into this chat’s workspace…
            </p>
          )}
          {flags.size > 0 && (
            <div className="composer-flags">
              {[...flags].map((f) => (
                <span key={f} className="composer-flag" data-testid="composer-flag" data-flag={f}>
                  {FLAG_LABELS[f] ?? f}
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`Turn off ${FLAG_LABELS[f] ?? f}`}
                    onClick={() => setFlags((current) => new Set([...current].filter((x) => x !== f)))}
                  >
                    <X size={12} aria-hidden />
                  </button>
                </span>
              ))}
            </div>
          )}
        </div>
      )}
      <form
        className={dragging ? 'composer drop-target' : 'composer'}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        onDragOver={(e) => {
          if (inputDisabled || !e.dataTransfer.types.includes('Files')) return;
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          setDragging(false);
          if (inputDisabled || e.dataTransfer.files.length === 0) return;
          e.preventDefault();
          void attach([...e.dataTransfer.files]);
        }}
      >
        <input
          ref={fileRef}
          type="file"
          multiple
          hidden
          data-testid="attachment-input"
          aria-label="Attach files"
          accept="image/png,image/jpeg,image/gif,image/webp,application/pdf,text/*,.md,.json,.csv,.ts,.tsx,.js,.py,.yaml,.yml,.toml,.log"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            void attach(files);
          }}
        />
        <button
          type="button"
          className="composer-toggle"
          data-testid="attach-button"
          aria-label="Attach files (or drop or paste them)"
          title="Attach images, PDFs or text files (or drop or paste them); they are copied into this chat’s workspace"
          disabled={inputDisabled}
          onClick={() => fileRef.current?.click()}
        >
          <Paperclip size={15} aria-hidden />
        </button>
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
          aria-controls={slashOpen ? 'slash-menu' : undefined}
          aria-expanded={slashOpen}
          aria-autocomplete="list"
          aria-activedescendant={slashOpen && activeSlash ? `slash-${activeSlash.name}` : undefined}
          onChange={(e) => {
            setText(e.target.value);
            setSlashClosed(false);
            setSlashIndex(0);
          }}
          onPaste={(e) => {
            const files = [...e.clipboardData.files];
            if (files.length === 0) return;
            e.preventDefault();
            void attach(files);
          }}
          onKeyDown={(e) => {
            if (slashOpen && activeSlash) {
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault();
                const at = slashMatches.indexOf(activeSlash);
                const step = e.key === 'ArrowDown' ? 1 : -1;
                setSlashIndex((at + step + slashMatches.length) % slashMatches.length);
                return;
              }
              if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
                e.preventDefault();
                runSlash(activeSlash);
                return;
              }
              if (e.key === 'Escape') {
                e.preventDefault();
                e.stopPropagation();
                setSlashClosed(true);
                return;
              }
            }
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
            <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line · <kbd>/</kbd> for
            commands
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
