import { create } from 'zustand';
import type { AuditRecord, AuditVerification } from '../../src-main/core/protocol/index.js';
import { appendLive, emptyAuditPage, mergePage, type AuditPageState } from '../lib/audit-paging.js';

/** `all` is the Audit view; a conversation id is the inspector's view of that conversation. */
export type AuditScope = 'all' | { conversationId: string };

export function scopeKey(scope: AuditScope): string {
  return scope === 'all' ? 'all' : `conversation:${scope.conversationId}`;
}

export interface AuditScopeState extends AuditPageState {
  loading: boolean;
  error: string | null;
}

export const emptyScope: AuditScopeState = { ...emptyAuditPage, loading: false, error: null };

export type VerifyState =
  | { status: 'idle' }
  | { status: 'checking'; last: AuditVerification | null }
  | { status: 'done'; result: AuditVerification }
  | { status: 'error'; message: string };

interface AuditStore {
  scopes: Readonly<Record<string, AuditScopeState>>;
  verify: VerifyState;
  startLoading(key: string): void;
  pageLoaded(key: string, page: { records: AuditRecord[]; total: number }): void;
  loadFailed(key: string, message: string): void;
  /** Forget loaded pages (after a reconnect); views reload what they show. */
  resetScopes(): void;
  appended(record: AuditRecord): void;
  setVerify(verify: VerifyState): void;
}

export const useAudit = create<AuditStore>()((set, get) => {
  function patch(key: string, next: Partial<AuditScopeState>): void {
    const current = get().scopes[key] ?? emptyScope;
    set({ scopes: { ...get().scopes, [key]: { ...current, ...next } } });
  }
  return {
    scopes: {},
    verify: { status: 'idle' },
    startLoading: (key) => patch(key, { loading: true, error: null }),
    pageLoaded: (key, page) => {
      const current = get().scopes[key] ?? emptyScope;
      patch(key, { ...mergePage(current, page), loading: false, error: null });
    },
    loadFailed: (key, error) => patch(key, { loading: false, error }),
    resetScopes: () => set({ scopes: {} }),
    appended: (record) => {
      const scopes: Record<string, AuditScopeState> = { ...get().scopes };
      let any = false;
      for (const [key, current] of Object.entries(scopes)) {
        const belongs = key === 'all' || key === `conversation:${record.conversationId ?? ''}`;
        if (!belongs) continue;
        const next = appendLive(current, record);
        if (next !== current) {
          scopes[key] = { ...current, ...next };
          any = true;
        }
      }
      if (any) set({ scopes });
    },
    setVerify: (verify) => set({ verify }),
  };
});
