import { X } from 'lucide-react';
import { useUi } from '../stores/ui.js';

const COMING = [
  ['Swarm graph', 'the live graph of agents while a swarm works on this conversation'],
  ['Memories used', 'what Cell 0 recalled to write its last reply'],
  ['Tool runs', 'each sandboxed tool call with its output and limits'],
  ['Audit', 'the signed record of what happened in this conversation'],
] as const;

/** A placeholder that says plainly what will live here, instead of showing made-up data. */
export function Inspector() {
  return (
    <aside className="inspector" id="inspector" aria-label="Inspector">
      <header className="inspector-header">
        <h2>Inspector</h2>
        <button
          type="button"
          className="icon-button"
          aria-label="Hide inspector"
          onClick={() => useUi.getState().toggleInspector()}
        >
          <X size={15} aria-hidden />
        </button>
      </header>
      <p className="muted">Not available yet. This panel will follow the conversation and show:</p>
      <ul className="inspector-list">
        {COMING.map(([name, what]) => (
          <li key={name}>
            <strong>{name}</strong> — {what}
          </li>
        ))}
      </ul>
    </aside>
  );
}
