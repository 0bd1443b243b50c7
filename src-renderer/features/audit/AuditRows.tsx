import type { AuditKind, AuditRecord } from '../../../src-main/core/protocol/index.js';
import { shortHash } from '../../lib/audit-paging.js';

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
/** The inspector's narrow column: the time of day, the date on hover. */
const clockFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** Kinds worth a second look get a colour: refusals and limits. */
const KIND_TONE: Partial<Record<AuditKind, string>> = {
  'permission.deny': 'warning',
  'limit.hit': 'warning',
  'rule.revoke': 'warning',
  'agent.stop': 'warning',
  'permission.grant': 'accent',
  'rule.add': 'accent',
};

/** The log's rows: time, actor, kind, tool, outcome and a short hash (the full one on hover). */
export function AuditRows({
  records,
  compact = false,
}: {
  records: readonly AuditRecord[];
  compact?: boolean;
}) {
  return (
    <table className={compact ? 'audit-table compact' : 'audit-table'}>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Time</th>
          {!compact && <th scope="col">Actor</th>}
          <th scope="col">Kind</th>
          <th scope="col">Tool</th>
          <th scope="col">Outcome</th>
          {!compact && <th scope="col">Hash</th>}
        </tr>
      </thead>
      <tbody>
        {records.map((r) => (
          <tr key={r.seq} data-testid="audit-row" data-seq={r.seq} data-kind={r.kind}>
            <td className="mono muted">{r.seq}</td>
            <td className="audit-time">
              <time
                dateTime={new Date(r.time).toISOString()}
                title={compact ? timeFormat.format(r.time) : undefined}
              >
                {(compact ? clockFormat : timeFormat).format(r.time)}
              </time>
            </td>
            {!compact && <td className="mono">{r.actor}</td>}
            <td>
              <span className="audit-kind" data-tone={KIND_TONE[r.kind] ?? 'plain'}>
                {r.kind}
              </span>
            </td>
            <td className="mono">{r.tool ?? '—'}</td>
            <td className="audit-outcome">{r.outcome}</td>
            {!compact && (
              <td className="mono muted" title={`Hash ${r.hash}\nSigned by ${r.publicKey}`}>
                {shortHash(r.hash)}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
