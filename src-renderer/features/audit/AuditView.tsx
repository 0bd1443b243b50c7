import { ArrowLeft, Loader2 } from 'lucide-react';
import { useEffect } from 'react';
import { hasOlder } from '../../lib/audit-paging.js';
import { useConnection } from '../../stores/connection.js';
import { useUi } from '../../stores/ui.js';
import { loadAuditPage, verifyAudit } from './actions.js';
import { AuditRows } from './AuditRows.js';
import { useAuditScope } from './use-audit-scope.js';
import { VerifyStatus } from './VerifyStatus.js';
import { plural } from '../../lib/plural.js';

/** The signed, hash-chained log of what agents did and what the owner allowed, newest first. */
export function AuditView() {
  const scope = useAuditScope('all');
  const connected = useConnection((s) => s.state === 'connected');

  // Checked on opening and again after a reconnect, when records may have been added meanwhile.
  useEffect(() => {
    if (connected) void verifyAudit();
  }, [connected]);

  return (
    <section className="audit-view" data-testid="audit-view" aria-labelledby="audit-title">
      <header className="view-header">
        <button
          type="button"
          className="button button-ghost"
          data-testid="nav-chat"
          onClick={() => {
            useUi.getState().setView('chat');
            useUi.getState().focusComposer();
          }}
        >
          <ArrowLeft size={15} aria-hidden />
          Back to chat
        </button>
        <h1 id="audit-title" className="view-title">
          Audit
        </h1>
      </header>
      <div className="audit-body">
        <p className="muted audit-intro">
          Every tool call, permission and limit, in a chain where each record holds the hash of the one before
          and is signed with this instance’s key: an edited, removed or reordered record breaks the chain.
          Arguments are stored as digests, not as text.
        </p>
        <VerifyStatus />
        {scope.error && (
          <div className="inline-error audit-error" role="alert">
            <span>The log did not load: {scope.error}</span>
            <button
              type="button"
              className="button button-small"
              onClick={() => void loadAuditPage('all', scope.loaded)}
            >
              Try again
            </button>
          </div>
        )}
        {scope.loaded && scope.records.length === 0 && (
          <p className="empty-note">Nothing recorded yet. Records appear here when an agent uses a tool.</p>
        )}
        {scope.records.length > 0 && <AuditRows records={scope.records} />}
        {!scope.loaded && scope.loading && (
          <p className="muted" role="status">
            <Loader2 size={14} className="spin" aria-hidden /> Loading…
          </p>
        )}
        {hasOlder(scope) && (
          <button
            type="button"
            className="button audit-load-more"
            data-testid="audit-load-more"
            disabled={scope.loading}
            onClick={() => void loadAuditPage('all', true)}
          >
            {scope.loading && <Loader2 size={14} className="spin" aria-hidden />}
            Load older ({plural(scope.total - scope.records.length, 'record')} more)
          </button>
        )}
      </div>
    </section>
  );
}
