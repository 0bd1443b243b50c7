import { beforeEach, describe, expect, it } from 'vitest';
import { scopeKey, useAudit } from '../../../src-renderer/stores/audit.js';
import { auditRecord } from '../kernel-fixture.js';

const all = scopeKey('all');
const c1 = scopeKey({ conversationId: 'c1' });

beforeEach(() => useAudit.getState().resetScopes());

describe('audit store', () => {
  it('adds a live record to the whole log and to its own conversation only', () => {
    const store = useAudit.getState();
    store.pageLoaded(all, { records: [auditRecord(1)], total: 1 });
    store.pageLoaded(c1, { records: [auditRecord(1)], total: 1 });
    store.pageLoaded(scopeKey({ conversationId: 'c2' }), { records: [], total: 0 });
    useAudit.getState().appended(auditRecord(2, { conversationId: 'c1' }));
    useAudit.getState().appended(auditRecord(3, { conversationId: null, actor: 'owner', kind: 'rule.add' }));
    const scopes = useAudit.getState().scopes;
    expect(scopes[all]?.records.map((r) => r.seq)).toEqual([3, 2, 1]);
    expect(scopes[c1]?.records.map((r) => r.seq)).toEqual([2, 1]);
    expect(scopes['conversation:c2']?.records).toEqual([]);
  });

  it('keeps the failure of a page so the view can offer a retry', () => {
    useAudit.getState().startLoading(all);
    useAudit.getState().loadFailed(all, 'Could not reach Cell 0');
    expect(useAudit.getState().scopes[all]).toMatchObject({
      loading: false,
      error: 'Could not reach Cell 0',
    });
  });
});
