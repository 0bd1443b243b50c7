import { MessageSquare } from 'lucide-react';

export function EmptyConversation() {
  return (
    <div className="empty-state">
      <MessageSquare size={28} aria-hidden className="empty-state-icon" />
      <h2>Start the conversation</h2>
      <p>
        Type below and press <kbd>Enter</kbd>. Replies stream in as they are written; press <kbd>Esc</kbd> to
        stop one.
      </p>
      <p className="muted">Everything stays on this machine, in your Cell 0 data folder.</p>
    </div>
  );
}
