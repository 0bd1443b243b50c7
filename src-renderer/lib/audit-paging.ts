import type { AuditRecord } from '../../src-main/core/protocol/index.js';

/** A newest-first window onto the audit log (all of it, or one conversation's records). */
export interface AuditPageState {
  records: readonly AuditRecord[];
  /** How many records the log holds for this scope, per the core's last answer plus live appends. */
  total: number;
  loaded: boolean;
}

export const emptyAuditPage: AuditPageState = { records: [], total: 0, loaded: false };

function byNewest(a: AuditRecord, b: AuditRecord): number {
  return b.seq - a.seq;
}

/** Adds a page; a record seen twice (live append, then the page that includes it) appears once. */
export function mergePage(
  state: AuditPageState,
  page: { records: readonly AuditRecord[]; total: number },
): AuditPageState {
  const seen = new Set(state.records.map((r) => r.seq));
  const fresh = page.records.filter((r) => !seen.has(r.seq));
  const records = fresh.length === 0 ? state.records : [...state.records, ...fresh].sort(byNewest);
  return { records, total: Math.max(page.total, records.length), loaded: true };
}

/** A live record; ignored until the first page is loaded (that page will include it). */
export function appendLive(state: AuditPageState, record: AuditRecord): AuditPageState {
  if (!state.loaded || state.records.some((r) => r.seq === record.seq)) return state;
  return { records: [record, ...state.records].sort(byNewest), total: state.total + 1, loaded: true };
}

/** The `beforeSeq` for the next older page, or undefined for the first page. */
export function olderCursor(state: AuditPageState): number | undefined {
  const last = state.records[state.records.length - 1];
  return last?.seq;
}

export function hasOlder(state: AuditPageState): boolean {
  if (!state.loaded) return false;
  const cursor = olderCursor(state);
  return state.records.length < state.total && (cursor === undefined || cursor > 1);
}

/** The first 8 hex digits: enough to tell records apart at a glance; the tooltip has the rest. */
export function shortHash(hash: string): string {
  return hash.slice(0, 8);
}
