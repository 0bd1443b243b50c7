import { describe, expect, it } from 'vitest';
import {
  appendLive,
  emptyAuditPage,
  hasOlder,
  mergePage,
  olderCursor,
  shortHash,
} from '../../../src-renderer/lib/audit-paging.js';
import { auditRecord } from '../kernel-fixture.js';

const page = (from: number, to: number) =>
  Array.from({ length: from - to + 1 }, (_, i) => auditRecord(from - i));

describe('audit paging', () => {
  it('pages newest first, asking for records before the oldest shown', () => {
    let s = mergePage(emptyAuditPage, { records: page(250, 151), total: 250 });
    expect(olderCursor(s)).toBe(151);
    expect(hasOlder(s)).toBe(true);
    s = mergePage(s, { records: page(150, 51), total: 250 });
    s = mergePage(s, { records: page(50, 1), total: 250 });
    expect(s.records).toHaveLength(250);
    expect(s.records[0]?.seq).toBe(250);
    expect(hasOlder(s)).toBe(false);
  });

  it('shows a record once when it arrives live and again in a page', () => {
    let s = mergePage(emptyAuditPage, { records: page(10, 1), total: 10 });
    s = appendLive(s, auditRecord(11));
    expect(s.total).toBe(11);
    s = mergePage(s, { records: page(11, 2), total: 11 });
    expect(s.records.map((r) => r.seq)).toEqual(page(11, 1).map((r) => r.seq));
  });

  it('ignores live records until the first page is loaded', () => {
    expect(appendLive(emptyAuditPage, auditRecord(1))).toBe(emptyAuditPage);
  });

  it('shortens hashes to eight characters', () => {
    expect(shortHash('0123456789abcdef')).toBe('01234567');
  });
});
