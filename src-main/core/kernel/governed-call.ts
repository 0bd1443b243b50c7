import type { Logger } from '../base/logger.js';
import type { PauseGate } from '../base/pause-gate.js';
import { Cell0Error, isCell0Error } from '../protocol/errors.js';
import type { NetworkScope, ToolCall } from '../protocol/kernel-entities.js';
import type { AuditLog } from './audit/audit-log.js';
import type { PermissionEngine } from './permissions/permission-engine.js';
import type { ToolCallLedger } from './tool-call-ledger.js';
import type { Assessment, PermissionSubject } from './types.js';

export interface GovernDeps {
  permissions: Pick<PermissionEngine, 'request'>;
  audit: Pick<AuditLog, 'append'>;
  ledger: ToolCallLedger;
  logger: Logger;
  gate?: PauseGate | undefined;
}

/** How a call ended once it ran: what its card shows, what the model is told, what the audit says. */
export interface Ran {
  patch: Partial<ToolCall>;
  forModel: string;
  outcome: string;
  limitHit: boolean;
}

/** One call the law governs, whatever runs it: the sandbox, or Cell 0 itself for a hosted tool. */
export interface GovernedCall {
  /** Already opened in the ledger; updated in place as the call moves on. */
  toolCall: ToolCall;
  /** What the permission card asks about. */
  input: PermissionSubject;
  assessment: Assessment;
  /** The sandbox is unavailable and allowing runs this one call unconfined (the card says so). */
  unsandboxed: boolean;
  /** The audit's word for the start: where it runs. */
  startedOutcome: string;
  /** A call that wants network hears which hosts the owner let it reach when the owner answers. */
  onNetwork?: (scope: NetworkScope) => void;
  run(signal: AbortSignal): Promise<Ran>;
  /** The call already runs in a lab (its card says so). */
  inLab?: boolean;
  /** Runs it in a new lab instead ("Try in lab first" on its card); absent where no lab can open. */
  runInLab?: (signal: AbortSignal) => Promise<Ran>;
}

export interface Governed {
  toolCall: ToolCall;
  forModel: string;
}

/** What a failure is called for the model: its stable code and a sentence. */
export function errorForModel(error: Cell0Error): string {
  return `Error (${error.code}): ${error.message}`;
}

/**
 * A failure as the model and the owner may see it: a Cell0Error as it is; anything else (a
 * storage error, a bug) is logged in full and becomes one plain sentence with a stable code.
 */
export function plainError(err: unknown, logger: Logger, tool: string): Cell0Error {
  if (isCell0Error(err)) return err;
  logger.error(`tool ${tool} failed`, err);
  return new Cell0Error(
    'INTERNAL',
    'Cell 0 could not run this tool call because of an internal fault; the details are in its log. Try again.',
  );
}

/**
 * The law for one call: refused or asked as assessed, paused while agents are paused, recorded in
 * the audit before it runs (no record, no run) and after, and finished on its card whatever fails.
 */
export async function govern(deps: GovernDeps, call: GovernedCall, signal: AbortSignal): Promise<Governed> {
  const { toolCall, input, assessment } = call;
  const finish = async (patch: Partial<ToolCall>, forModel: string): Promise<Governed> => {
    Object.assign(toolCall, patch, { endedAt: Date.now() });
    await deps.ledger.close(toolCall);
    return { toolCall, forModel };
  };
  const fail = (error: Cell0Error, status: ToolCall['status'] = 'failed') =>
    finish({ status, error: error.toShape() }, errorForModel(error));
  const audit = (
    entry: Omit<Parameters<GovernDeps['audit']['append']>[0], 'tool' | 'args' | 'conversationId'>,
  ) =>
    deps.audit.append({ ...entry, tool: input.tool, args: input.args, conversationId: input.conversationId });

  let started = false;
  let tryInLab = false;
  try {
    if (assessment.decision === 'deny') {
      const { refusal } = assessment;
      await audit({
        actor: 'kernel',
        kind: 'permission.deny',
        outcome: refusal ? `refused (${refusal.code}): ${refusal.message}` : `denied: ${assessment.why}`,
      });
      return await fail(
        refusal
          ? new Cell0Error(refusal.code, refusal.message)
          : new Cell0Error('PERMISSION_DENIED', `Denied by a standing rule: ${assessment.why}`),
        'denied',
      );
    }
    if (assessment.decision === 'ask') {
      const decision = await deps.permissions.request(input, assessment, signal, {
        unsandboxed: call.unsandboxed,
        ...(call.onNetwork ? { onNetwork: call.onNetwork } : {}),
        ...(call.inLab ? { lab: true } : {}),
        ...(call.runInLab ? { labOffered: true } : {}),
      });
      if (decision === 'try-in-lab') tryInLab = true;
      if (decision === 'deny' || decision === 'cancelled') {
        const message =
          decision === 'deny'
            ? 'The owner denied this call. Do not retry it; ask the owner or choose another way.'
            : 'The request was withdrawn before the owner answered.';
        return await fail(
          new Cell0Error('PERMISSION_DENIED', message),
          decision === 'deny' ? 'denied' : 'cancelled',
        );
      }
      toolCall.status = 'running';
      await deps.ledger.save(toolCall);
    }
    await deps.gate?.wait(signal);
    if (signal.aborted)
      return await fail(new Cell0Error('TOOL_FAILED', 'Stopped before it ran.'), 'cancelled');
    // Recorded before it runs: if recording fails (no signing key), nothing runs.
    await audit({
      actor: `agent:${input.conversationId}`,
      kind: 'tool.call',
      outcome: tryInLab ? 'started in a lab (tried first, by the owner’s choice)' : call.startedOutcome,
    });
    started = true;
    // The card's duration counts from here: the time the owner took to answer is not the tool's.
    toolCall.runningSince = Date.now();
    await deps.ledger.save(toolCall);
    const ran = tryInLab && call.runInLab ? await call.runInLab(signal) : await call.run(signal);
    await audit({ actor: 'kernel', kind: ran.limitHit ? 'limit.hit' : 'tool.result', outcome: ran.outcome });
    return await finish(ran.patch, ran.forModel);
  } catch (err) {
    const error = plainError(err, deps.logger, input.tool);
    // A call whose start is in the audit gets its end there too, failed as it is.
    if (started) {
      await audit({ actor: 'kernel', kind: 'tool.result', outcome: `failed (${error.code})` }).catch(
        (auditErr: unknown) => deps.logger.warn(`could not audit the failure of ${input.tool}`, auditErr),
      );
    }
    return await fail(error);
  }
}
