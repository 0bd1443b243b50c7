import { X } from 'lucide-react';
import { ConversationAudit } from '../features/audit/ConversationAudit.js';
import { InspectorMemories } from '../features/memory/InspectorMemories.js';
import { ConversationToolRuns } from '../features/tools/ConversationToolRuns.js';
import { useMessages } from '../stores/messages.js';
import { useUi } from '../stores/ui.js';

const COMING = [
  ['Swarm graph', 'the live graph of agents while a swarm works on this conversation'],
] as const;

/** Follows the conversation: its tool runs and its audit records; what is not built yet says so. */
export function Inspector() {
  const conversationId = useMessages((s) => s.conversationId);
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
      {conversationId && (
        <>
          <section className="inspector-section" aria-labelledby="inspector-memories">
            <h3 id="inspector-memories">Memories used</h3>
            <InspectorMemories />
          </section>
          <section className="inspector-section" aria-labelledby="inspector-tools">
            <h3 id="inspector-tools">Tool runs</h3>
            <ConversationToolRuns conversationId={conversationId} />
          </section>
          <section className="inspector-section" aria-labelledby="inspector-audit">
            <h3 id="inspector-audit">Audit</h3>
            <ConversationAudit key={conversationId} conversationId={conversationId} />
          </section>
        </>
      )}
      <section className="inspector-section" aria-labelledby="inspector-coming">
        <h3 id="inspector-coming">Coming later</h3>
        <ul className="inspector-list">
          {COMING.map(([name, what]) => (
            <li key={name}>
              <strong>{name}</strong> — {what}
            </li>
          ))}
        </ul>
      </section>
    </aside>
  );
}
