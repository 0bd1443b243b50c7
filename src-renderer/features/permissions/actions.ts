import type { NetworkScope, PermissionDecision } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { usePermissions } from '../../stores/permissions.js';

export async function loadPendingPermissions(): Promise<void> {
  try {
    const { requests } = await client().call('permissions.pending', {});
    usePermissions.getState().setPending(requests);
  } catch (err) {
    console.warn('cell0: could not load pending permission requests', err);
  }
}

/** Throws on failure so the card can say so and stay answerable. */
export async function answerPermission(
  requestId: string,
  decision: PermissionDecision,
  pattern?: string,
  network?: NetworkScope,
): Promise<void> {
  await client().call('permissions.respond', {
    requestId,
    decision,
    ...(pattern === undefined ? {} : { pattern }),
    ...(network === undefined || decision === 'deny' ? {} : { network }),
  });
  usePermissions.getState().resolved(requestId, decision);
}

export async function loadRules(): Promise<void> {
  try {
    const { rules } = await client().call('permissions.rules', {});
    usePermissions.getState().setRules(rules);
  } catch (err) {
    usePermissions.getState().setRulesError(errorMessage(err));
  }
}

export async function revokeRule(ruleId: string): Promise<void> {
  await client().call('permissions.revoke', { ruleId });
  const rules = usePermissions.getState().rules;
  // permission.rulesChanged follows with the full list; removing it now keeps the row from lingering.
  if (rules) usePermissions.getState().setRules(rules.filter((r) => r.id !== ruleId));
}
