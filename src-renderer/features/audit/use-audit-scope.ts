import { useEffect } from 'react';
import { emptyScope, scopeKey, useAudit, type AuditScope, type AuditScopeState } from '../../stores/audit.js';
import { loadAuditPage } from './actions.js';

/** A scope's records, loading the newest page when it has none (first view, or after a reconnect). */
export function useAuditScope(scope: AuditScope): AuditScopeState {
  const key = scopeKey(scope);
  const state = useAudit((s) => s.scopes[key] ?? emptyScope);
  const needsLoad = !state.loaded && !state.loading && state.error === null;
  const conversationId = scope === 'all' ? null : scope.conversationId;

  useEffect(() => {
    if (needsLoad) void loadAuditPage(conversationId === null ? 'all' : { conversationId });
  }, [needsLoad, conversationId]);

  return state;
}
