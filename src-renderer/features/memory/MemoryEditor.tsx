import { useId, useState } from 'react';
import type { Memory, MemoryKind } from '../../../src-main/core/protocol/index.js';
import { errorMessage } from '../../lib/client.js';
import { updateMemory } from './actions.js';
import { MemoryKindDateFields } from './MemoryKindDateFields.js';

/** Edits text, kind and date in place; Esc or Cancel leaves the memory as it was. */
export function MemoryEditor({ memory, onDone }: { memory: Memory; onDone(): void }) {
  const [text, setText] = useState(memory.text);
  const [kind, setKind] = useState<MemoryKind>(memory.kind);
  const [eventDate, setEventDate] = useState(memory.eventDate ?? '');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  async function save(): Promise<void> {
    if (text.trim() === '') {
      setError('A memory needs some text; delete it instead if it is no longer true.');
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await updateMemory({
        id: memory.id,
        text: text.trim(),
        kind,
        eventDate: eventDate === '' ? null : eventDate,
      });
      onDone();
    } catch (err) {
      setError(errorMessage(err));
      setSaving(false);
    }
  }

  return (
    <form
      className="memory-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          onDone();
        }
      }}
    >
      <label className="sr-only" htmlFor={`${id}-text`}>
        Memory text
      </label>
      <textarea
        id={`${id}-text`}
        className="memory-textarea"
        data-testid="memory-edit-text"
        value={text}
        maxLength={2000}
        rows={3}
        autoFocus
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          // Ctrl/Cmd+Enter saves, as in other multi-line fields; plain Enter is a new line.
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
            e.preventDefault();
            void save();
          }
        }}
      />
      <div className="memory-editor-row">
        <MemoryKindDateFields kind={kind} eventDate={eventDate} onKind={setKind} onEventDate={setEventDate} />
        <span className="status-spacer" />
        <button type="button" className="button button-small" onClick={onDone}>
          Cancel
        </button>
        <button
          type="submit"
          className="button button-small button-primary"
          data-testid="memory-save"
          disabled={saving}
        >
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
