import { X } from 'lucide-react';
import { ConversationAudit } from '../features/audit/ConversationAudit.js';
import { InspectorMemories } from '../features/memory/InspectorMemories.js';
import { InspectorSwarm } from '../features/swarms/InspectorSwarm.js';
import { ConversationToolRuns } from '../features/tools/ConversationToolRuns.js';
import { useMessages } from '../stores/messages.js';
import { useUi } from '../stores/ui.js';

/** Follows the conversation: its swarm's graph, the memories used, its tool runs and audit records. */
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
          <section className="inspector-section" aria-labelledby="inspector-swarm">
            <h3 id="inspector-swarm">Swarm</h3>
            <InspectorSwarm conversationId={conversationId} />
          </section>
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
    </aside>
  );
}
