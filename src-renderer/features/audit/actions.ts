import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { olderCursor } from '../../lib/audit-paging.js';
import { emptyScope, scopeKey, useAudit, type AuditScope } from '../../stores/audit.js';

export const AUDIT_PAGE_SIZE = 100;

/** The newest page, or with `older` the page before the oldest shown. A load in flight is not repeated. */
export async function loadAuditPage(scope: AuditScope, older = false): Promise<void> {
  const key = scopeKey(scope);
  const current = useAudit.getState().scopes[key] ?? emptyScope;
  if (current.loading) return;
  const beforeSeq = older ? olderCursor(current) : undefined;
  useAudit.getState().startLoading(key);
  try {
    const page = await client().call('audit.list', {
      limit: AUDIT_PAGE_SIZE,
      ...(beforeSeq === undefined ? {} : { beforeSeq }),
      ...(scope === 'all' ? {} : { conversationId: scope.conversationId }),
    });
    useAudit.getState().pageLoaded(key, page);
  } catch (err) {
    useAudit.getState().loadFailed(key, errorMessage(err));
  }
}

export async function verifyAudit(): Promise<void> {
  const before = useAudit.getState().verify;
  if (before.status === 'checking') return;
  useAudit
    .getState()
    .setVerify({ status: 'checking', last: before.status === 'done' ? before.result : null });
  try {
    const result = await client().call('audit.verify', {});
    useAudit.getState().setVerify({ status: 'done', result });
  } catch (err) {
    useAudit.getState().setVerify({ status: 'error', message: errorMessage(err) });
  }
}
