import type { MemoryKind } from '../../../src-main/core/protocol/index.js';
import { isMemoryKind, KIND_LABELS, MEMORY_KIND_LIST } from './memory-format.js';

/** The kind and date of a memory, as both the add and the edit forms ask for them. */
export function MemoryKindDateFields(props: {
  kind: MemoryKind;
  eventDate: string;
  onKind: (kind: MemoryKind) => void;
  onEventDate: (date: string) => void;
}) {
  return (
    <>
      <label className="memory-field">
        <span>Kind</span>
        <select
          className="select"
          value={props.kind}
          onChange={(e) => {
            if (isMemoryKind(e.target.value)) props.onKind(e.target.value);
          }}
        >
          {MEMORY_KIND_LIST.map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      <label className="memory-field">
        <span>Date it is about</span>
        <input type="date" value={props.eventDate} onChange={(e) => props.onEventDate(e.target.value)} />
      </label>
    </>
  );
}
