/**
 * The fingerprint arrives as 12 groups of 5 digits; tolerate separators or none so the grid never
 * depends on how the core spaced them.
 */
export function fingerprintGroups(fingerprint: string): string[] {
  const parts = fingerprint
    .trim()
    .split(/[\s-]+/)
    .filter(Boolean);
  if (parts.length > 1) return parts;
  const digits = parts[0] ?? '';
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 5) groups.push(digits.slice(i, i + 5));
  return groups;
}

/** Rows of the grid people read aloud: 3 rows of 4 groups. */
export function fingerprintRows(fingerprint: string, perRow = 4): string[][] {
  const groups = fingerprintGroups(fingerprint);
  const rows: string[][] = [];
  for (let i = 0; i < groups.length; i += perRow) rows.push(groups.slice(i, i + perRow));
  return rows;
}
