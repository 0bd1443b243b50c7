import { Brain } from 'lucide-react';
import { describeMemoryStatus } from '../../lib/memory-status-wording.js';
import { useMemory } from '../../stores/memory.js';
import { useUi } from '../../stores/ui.js';

/** The memory daemon in the status bar: what it is doing, in words; a click opens the Memory view. */
export function MemoryStatus() {
  const status = useMemory((s) => s.daemon);
  const embedding = useMemory((s) => s.embedding);
  if (!status) return null;
  const wording = describeMemoryStatus(status, embedding);
  return (
    <button
      type="button"
      className={`status-item status-button status-memory tone-${wording.tone}`}
      data-testid="status-memory"
      data-state={status.state}
      title={wording.title}
      aria-label={`${wording.label}. ${wording.title.replaceAll('\n', '. ')}`}
      onClick={() => useUi.getState().setView('memory')}
    >
      <Brain size={12} aria-hidden />
      <span className="status-memory-label">{wording.label}</span>
      {wording.progress !== null && (
        <span className="status-progress" aria-hidden>
          <span
            className="status-progress-fill"
            style={{ width: `${Math.round(wording.progress * 100)}%` }}
          />
        </span>
      )}
    </button>
  );
}
