import { fingerprintRows } from '../../lib/fingerprint.js';

/**
 * 3 rows of 4 groups, in order, for reading aloud. The spaces between groups are real text so
 * copying the grid (or reading textContent) gives the fingerprint back, not a run of digits.
 */
export function FingerprintGrid({ fingerprint }: { fingerprint: string }) {
  const rows = fingerprintRows(fingerprint);
  return (
    <div className="fingerprint" data-testid="identity-fingerprint" aria-label={`Fingerprint ${fingerprint}`}>
      {rows.map((row, r) => (
        <div key={r} className="fingerprint-row">
          {row.map((group, g) => (
            <span key={g}>
              <span className="fingerprint-group">{group}</span>
              {r < rows.length - 1 || g < row.length - 1 ? ' ' : ''}
            </span>
          ))}
        </div>
      ))}
    </div>
  );
}
