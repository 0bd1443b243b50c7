import { AlertTriangle, Trash2 } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { PermissionRule } from '../../../src-main/core/protocol/index.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { errorMessage } from '../../lib/client.js';
import { toolInSentence, toolLabel } from '../../lib/tool-wording.js';
import { usePermissions } from '../../stores/permissions.js';
import { loadRules, revokeRule } from './actions.js';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Standing "always" rules: what agents may do without asking, and what they may never do. */
export function PermissionsSection() {
  const rules = usePermissions((s) => s.rules);
  const rulesError = usePermissions((s) => s.rulesError);

  useEffect(() => {
    void loadRules();
  }, []);

  let body;
  if (rules === null && rulesError) {
    body = (
      <div className="inline-error" role="alert">
        The rules did not load: {rulesError}{' '}
        <button type="button" className="button button-small" onClick={() => void loadRules()}>
          Try again
        </button>
      </div>
    );
  } else if (rules === null) {
    body = <p className="muted">Loading…</p>;
  } else if (rules.length === 0) {
    body = (
      <p className="empty-note">
        No standing rules. Choose “Always allow…” on a permission card to stop being asked about a command.
      </p>
    );
  } else {
    body = (
      <ul className="rule-list">
        {rules.map((rule) => (
          <RuleRow key={rule.id} rule={rule} />
        ))}
      </ul>
    );
  }

  return (
    <section
      className="settings-section"
      data-testid="settings-section-permissions"
      aria-labelledby="permissions-title"
    >
      <h2 id="permissions-title">Permissions</h2>
      <p className="muted">
        Rules live outside every workspace, where no agent can write, and each is signed with this instance’s
        key: a rule that was edited or not made here is ignored.
      </p>
      {body}
    </section>
  );
}

function RuleRow({ rule }: { rule: PermissionRule }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function revoke(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await revokeRule(rule.id);
      setConfirming(false);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <li
      className={rule.valid ? 'rule-row' : 'rule-row invalid'}
      data-testid="rule-row"
      data-rule-id={rule.id}
      data-valid={rule.valid ? 'true' : 'false'}
    >
      <div className="rule-main">
        <span className={rule.decision === 'allow' ? 'badge badge-success' : 'badge badge-danger'}>
          {rule.decision === 'allow' ? 'Allow' : 'Deny'}
        </span>
        <span className="rule-tool">{toolLabel(rule.tool)}</span>
        <code className="rule-pattern">{rule.pattern}</code>
      </div>
      <div className="rule-meta">
        {!rule.valid && (
          <span className="badge badge-danger" title="Its signature does not match this instance’s key">
            <AlertTriangle size={11} aria-hidden />
            Signature does not verify — ignored
          </span>
        )}
        <span className="muted">
          Added{' '}
          <time dateTime={new Date(rule.createdAt).toISOString()}>{dateFormat.format(rule.createdAt)}</time>
        </span>
        <button
          type="button"
          className="button button-small"
          data-testid="rule-revoke"
          aria-label={`Revoke the rule ${rule.decision} ${toolLabel(rule.tool)} ${rule.pattern}`}
          onClick={() => {
            setError(null);
            setConfirming(true);
          }}
        >
          <Trash2 size={13} aria-hidden />
          Revoke
        </button>
      </div>
      {confirming && (
        <ConfirmDialog
          title="Revoke this rule?"
          confirmLabel={busy ? 'Revoking…' : 'Revoke'}
          confirmTestId="confirm-delete"
          busy={busy}
          error={error}
          onConfirm={() => void revoke()}
          onCancel={() => {
            setConfirming(false);
            setBusy(false);
          }}
        >
          <p>
            Agents will be asked again before {toolInSentence(rule.tool)} calls matching{' '}
            <code>{rule.pattern}</code>
            {rule.decision === 'deny' ? ', instead of being refused.' : '.'}
          </p>
        </ConfirmDialog>
      )}
    </li>
  );
}
