import { useEffect, useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { Conversation, ConversationSettings } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { useConversations } from '../../stores/conversations.js';

/** The core's defaults (entities.ts), for a conversation listed before its settings arrived. */
const DEFAULT_CONVERSATION_SETTINGS: ConversationSettings = {
  systemPrompt: null,
  temperature: null,
  maxOutputTokens: null,
  tools: true,
  memory: true,
};

export interface Draft {
  systemPrompt: string;
  temperature: string;
  maxOutputTokens: string;
  tools: boolean;
  memory: boolean;
}

export function toDraft(s: ConversationSettings): Draft {
  return {
    systemPrompt: s.systemPrompt ?? '',
    temperature: s.temperature === null ? '' : String(s.temperature),
    maxOutputTokens: s.maxOutputTokens === null ? '' : String(s.maxOutputTokens),
    tools: s.tools,
    memory: s.memory,
  };
}

/** The draft as settings, or the first field a person must fix. */
export function parseDraft(d: Draft): { settings: ConversationSettings } | { error: string } {
  const temperature = d.temperature.trim() === '' ? null : Number(d.temperature);
  if (temperature !== null && (!Number.isFinite(temperature) || temperature < 0 || temperature > 2)) {
    return { error: 'Temperature is a number from 0 to 2, or empty for the model’s default.' };
  }
  const max = d.maxOutputTokens.trim() === '' ? null : Number(d.maxOutputTokens);
  if (max !== null && (!Number.isInteger(max) || max < 1 || max > 200_000)) {
    return { error: 'Maximum output tokens is a whole number from 1 to 200,000, or empty for no limit.' };
  }
  if (d.systemPrompt.length > 20_000) return { error: 'The system prompt is longer than 20,000 characters.' };
  return {
    settings: {
      systemPrompt: d.systemPrompt.trim() === '' ? null : d.systemPrompt,
      temperature,
      maxOutputTokens: max,
      tools: d.tools,
      memory: d.memory,
    },
  };
}

/** How this conversation's replies are made: a panel over the conversation, saved on Save. */
export function ConversationSettingsPanel({
  conversation,
  onClose,
}: {
  conversation: Conversation;
  onClose(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [draft, setDraft] = useState<Draft>(() =>
    toDraft(conversation.settings ?? DEFAULT_CONVERSATION_SETTINGS),
  );
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  async function save(): Promise<void> {
    const parsed = parseDraft(draft);
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const updated = await client().call('conversations.configure', {
        id: conversation.id,
        settings: parsed.settings,
      });
      useConversations.getState().upsert(updated);
      onClose();
    } catch (err) {
      setError(`Not saved: ${errorMessage(err)}`);
      setSaving(false);
    }
  }

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  return createPortal(
    <dialog
      ref={ref}
      className="dialog conversation-settings"
      data-testid="conversation-settings"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h2 id={titleId} className="dialog-title">
          Settings for “{conversation.title}”
        </h2>
        <div className="dialog-body">
          <SettingsFields draft={draft} set={set} />
          <WorkspaceField conversation={conversation} />
        </div>
        {error && (
          <p className="inline-error" role="alert" data-testid="conv-settings-error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-primary"
            data-testid="conv-settings-save"
            disabled={saving}
          >
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </dialog>,
    document.body,
  );
}

/**
 * Where this conversation's tools work: its own folder, or one the owner names. Applied at once (the
 * core checks the folder and records the change in the audit log), apart from Save.
 */
function WorkspaceField({ conversation }: { conversation: Conversation }) {
  const helpId = useId();
  const [path, setPath] = useState(conversation.workspace ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const current = useConversations((s) => s.list.find((c) => c.id === conversation.id)?.workspace);

  async function apply(next: string | null): Promise<void> {
    if (next !== null && next.trim() === '') {
      setError('Type the full path of a folder, or reset to the default.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const updated = await client().call('conversations.setWorkspace', {
        id: conversation.id,
        path: next === null ? null : next.trim(),
      });
      useConversations.getState().upsert(updated);
      setPath(updated.workspace ?? '');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="field-grid conv-workspace" data-testid="conv-workspace">
      <label>
        Workspace folder
        <input
          data-testid="conv-workspace-path"
          value={path}
          spellCheck={false}
          placeholder="/path/to/a/project"
          aria-describedby={helpId}
          onChange={(e) => setPath(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void apply(path);
            }
          }}
        />
      </label>
      <p id={helpId} className="field-help" data-testid="conv-workspace-current">
        {current
          ? `Tools work in ${current}.`
          : 'Tools work in this conversation’s own folder in Cell 0’s data.'}{' '}
        The sandbox user must be able to write the folder; Cell 0 never changes its owner.
      </p>
      {error && (
        <p className="inline-error" role="alert" data-testid="conv-workspace-error">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button
          type="button"
          className="button"
          data-testid="conv-workspace-reset"
          disabled={busy || !current}
          onClick={() => void apply(null)}
        >
          Reset to default
        </button>
        <button
          type="button"
          className="button"
          data-testid="conv-workspace-apply"
          disabled={busy}
          onClick={() => void apply(path)}
        >
          Use this folder
        </button>
      </div>
    </div>
  );
}

/** The fields of a conversation's settings, shared by its panel and Settings → New conversations. */
export function SettingsFields({
  draft,
  set,
}: {
  draft: Draft;
  set: <K extends keyof Draft>(key: K, value: Draft[K]) => void;
}) {
  return (
    <div className="field-grid">
      <label>
        System prompt
        <textarea
          data-testid="conv-system-prompt"
          rows={4}
          value={draft.systemPrompt}
          placeholder="Added after the persona, for this conversation only"
          onChange={(e) => set('systemPrompt', e.target.value)}
        />
      </label>
      <label>
        Temperature
        <input
          type="number"
          data-testid="conv-temperature"
          min={0}
          max={2}
          step={0.1}
          inputMode="decimal"
          value={draft.temperature}
          placeholder="Model default"
          onChange={(e) => set('temperature', e.target.value)}
        />
      </label>
      <label>
        Maximum output tokens
        <input
          type="number"
          data-testid="conv-max-tokens"
          min={1}
          max={200000}
          step={1}
          value={draft.maxOutputTokens}
          placeholder="No limit"
          onChange={(e) => set('maxOutputTokens', e.target.value)}
        />
      </label>
      <label className="switch-line">
        <input
          type="checkbox"
          data-testid="conv-tools"
          checked={draft.tools}
          onChange={(e) => set('tools', e.target.checked)}
        />
        Tools (shell, files, web, MCP, swarms) — each call still asks your permission
      </label>
      <label className="switch-line">
        <input
          type="checkbox"
          data-testid="conv-memory"
          checked={draft.memory}
          onChange={(e) => set('memory', e.target.checked)}
        />
        Memory — recall what Cell 0 remembers, and offer the memory tools
      </label>
      <p className="field-help">
        Files this conversation’s tools may write live in its own workspace, the sandbox’s only writable
        place; attachments are copied there.
      </p>
    </div>
  );
}
