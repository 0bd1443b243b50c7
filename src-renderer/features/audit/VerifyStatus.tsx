import { plural } from '../../lib/plural.js';
import { Loader2, RefreshCw, ShieldAlert, ShieldCheck } from 'lucide-react';
import type { AuditVerification } from '../../../src-main/core/protocol/index.js';
import { useAudit } from '../../stores/audit.js';
import { verifyAudit } from './actions.js';

function describe(result: AuditVerification): string {
  if (result.ok) return `Chain verifies: ${plural(result.count, 'record')}, signed`;
  const where = result.firstBadSeq === null ? 'BROKEN' : `BROKEN at record ${result.firstBadSeq}`;
  return `${where}: ${result.reason ?? 'the chain does not verify'}`;
}

/** Whether the hash chain and its signatures hold, checked by the core on request. */
export function VerifyStatus() {
  const verify = useAudit((s) => s.verify);
  const checking = verify.status === 'checking';
  const result = verify.status === 'done' ? verify.result : verify.status === 'checking' ? verify.last : null;

  let body;
  if (verify.status === 'error') {
    body = (
      <p className="audit-verify-status failed" data-testid="audit-verify-status" role="status">
        <ShieldAlert size={15} aria-hidden />
        Could not check the chain: {verify.message}
      </p>
    );
  } else if (result) {
    body = (
      <p
        className={result.ok ? 'audit-verify-status ok' : 'audit-verify-status broken'}
        data-testid="audit-verify-status"
        data-ok={result.ok ? 'true' : 'false'}
        role="status"
      >
        {result.ok ? <ShieldCheck size={15} aria-hidden /> : <ShieldAlert size={15} aria-hidden />}
        {describe(result)}
      </p>
    );
  } else {
    body = (
      <p className="audit-verify-status muted" role="status">
        <Loader2 size={15} className="spin" aria-hidden />
        Checking the chain…
      </p>
    );
  }

  return (
    <div className="audit-verify">
      {body}
      <button
        type="button"
        className="button button-small"
        data-testid="audit-verify-button"
        disabled={checking}
        onClick={() => void verifyAudit()}
      >
        {checking ? <Loader2 size={13} className="spin" aria-hidden /> : <RefreshCw size={13} aria-hidden />}
        Verify again
      </button>
    </div>
  );
}
