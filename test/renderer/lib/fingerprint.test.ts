import { describe, expect, it } from 'vitest';
import { fingerprintGroups, fingerprintRows } from '../../../src-renderer/lib/fingerprint.js';

const groups = Array.from({ length: 12 }, (_, i) => String(10000 + i * 7919).slice(0, 5));

describe('fingerprint', () => {
  it('splits a spaced fingerprint into its 12 groups, in order', () => {
    expect(fingerprintGroups(groups.join(' '))).toEqual(groups);
  });

  it('groups an unspaced run of 60 digits by five', () => {
    expect(fingerprintGroups(groups.join(''))).toEqual(groups);
  });

  it('lays the groups out as 3 rows of 4', () => {
    const rows = fingerprintRows(groups.join(' '));
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.length)).toEqual([4, 4, 4]);
    expect(rows.flat()).toEqual(groups);
  });
});
