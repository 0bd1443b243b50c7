import { Plus } from 'lucide-react';
import { useId, useState } from 'react';
import type { MemoryKind } from '../../../src-main/core/protocol/index.js';
import { errorMessage } from '../../lib/client.js';
import { createMemory } from './actions.js';
import { MemoryKindDateFields } from './MemoryKindDateFields.js';

/** "Add a memory": something the owner wants Cell 0 to know without saying it in a chat. */
export function AddMemory() {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [kind, setKind] = useState<MemoryKind>('fact');
  const [eventDate, setEventDate] = useState('');
  const [pinned, setPinned] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  function close(): void {
    setOpen(false);
    setText('');
    setEventDate('');
    setPinned(false);
    setError(null);
  }

  async function save(): Promise<void> {
    if (text.trim() === '') return;
    setSaving(true);
    setError(null);
    try {
      await createMemory({ text: text.trim(), kind, pinned, eventDate: eventDate === '' ? null : eventDate });
      close();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  if (!open) {
    return (
      <button type="button" className="button" data-testid="memory-add" onClick={() => setOpen(true)}>
        <Plus size={15} aria-hidden />
        Add a memory
      </button>
    );
  }

  return (
    <form
      className="memory-add-panel"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          close();
        }
      }}
    >
      <h2 id={`${id}-title`} className="memory-subtitle">
        Add a memory
      </h2>
      <label className="sr-only" htmlFor={`${id}-text`}>
        What Cell 0 should remember
      </label>
      <textarea
        id={`${id}-text`}
        className="memory-textarea"
        data-testid="memory-add-text"
        placeholder="What Cell 0 should remember, e.g. “I am vegetarian”"
        value={text}
        maxLength={2000}
        rows={2}
        autoFocus
        onChange={(e) => setText(e.target.value)}
      />
      <div className="memory-editor-row">
        <MemoryKindDateFields kind={kind} eventDate={eventDate} onKind={setKind} onEventDate={setEventDate} />
        <label className="checkbox">
          <input type="checkbox" checked={pinned} onChange={(e) => setPinned(e.target.checked)} />
          Pinned
        </label>
        <span className="status-spacer" />
        <button type="button" className="button button-small" onClick={close}>
          Cancel
        </button>
        <button
          type="submit"
          className="button button-small button-primary"
          data-testid="memory-add-save"
          disabled={saving || text.trim() === ''}
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
