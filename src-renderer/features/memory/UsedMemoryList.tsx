import type { UsedMemory } from '../../../src-main/core/protocol/index.js';

/** Each memory a reply was given, with the reason it was recalled. */
interface Props {
  memories: UsedMemory[];
  id?: string;
  /** The inspector repeats the latest reply's list; its own id keeps the two apart in tests. */
  itemTestId?: string;
}

export function UsedMemoryList({ memories, id, itemTestId = 'message-memory-item' }: Props) {
  return (
    <ul className="used-memory-list" id={id}>
      {memories.map((m) => (
        <li key={m.memoryId} className="used-memory" data-testid={itemTestId} data-memory-id={m.memoryId}>
          <span className="used-memory-text">{m.text}</span>
          {m.why !== '' && <span className="used-memory-why">{m.why}</span>}
        </li>
      ))}
    </ul>
  );
}

export function usedLabel(count: number): string {
  return `Used ${count} ${count === 1 ? 'memory' : 'memories'}`;
}
