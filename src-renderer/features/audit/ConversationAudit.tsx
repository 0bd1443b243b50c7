import { hasOlder } from '../../lib/audit-paging.js';
import { loadAuditPage } from './actions.js';
import { AuditRows } from './AuditRows.js';
import { useAuditScope } from './use-audit-scope.js';

/** The inspector's slice of the log: this conversation's records. */
export function ConversationAudit({ conversationId }: { conversationId: string }) {
  const scope = useAuditScope({ conversationId });
  if (scope.error) {
    return (
      <p className="inline-error" role="alert">
        {scope.error}
      </p>
    );
  }
  if (!scope.loaded) return <p className="muted">Loading…</p>;
  if (scope.records.length === 0) return <p className="muted">Nothing recorded in this conversation yet.</p>;
  return (
    <>
      <AuditRows records={scope.records} compact />
      {hasOlder(scope) && (
        <button
          type="button"
          className="button button-small"
          disabled={scope.loading}
          onClick={() => void loadAuditPage({ conversationId }, true)}
        >
          Load older
        </button>
      )}
    </>
  );
}
