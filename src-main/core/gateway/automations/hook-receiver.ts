import { randomUUID } from 'node:crypto';
import type { Clock } from '../../base/clock.js';
import type { Logger } from '../../base/logger.js';
import type { AuditLog } from '../../kernel/audit/audit-log.js';
import type { AutomationRun, Hook } from '../../protocol/automation-entities.js';
import type { AutomationRunner } from './automation-runner.js';
import type { AutomationStore } from './automation-store.js';
import { renderTemplate } from './prompt-template.js';
import { RateLimiter } from './rate-limiter.js';
import { verifyDelivery, type Headers } from './webhook-signature.js';

/** What the HTTP layer answers: a status and a small JSON body, never an error's insides. */
export interface HookAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface HookReceiverDeps {
  store: AutomationStore;
  runner: AutomationRunner;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** The hook's secret from the keychain (null when it is missing there). */
  secretFor(hook: Hook): Promise<string | null>;
  toleranceMs?: number;
}

function refusal(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): HookAnswer {
  return { status, body: { error: { code, message } }, ...(headers ? { headers } : {}) };
}

/**
 * `POST /hooks/<name>`: verifies a delivery over its raw body, turns a replayed delivery id into
 * the first answer again, keeps to the hook's rate, fills the prompt from the payload and queues
 * the run. The body was already cut at the hook's size limit by the HTTP layer (maxBodyBytes).
 */
export class HookReceiver {
  private readonly limiter = new RateLimiter();

  constructor(private readonly deps: HookReceiverDeps) {}

  /** The size limit for a hook, read before its body; null for a hook that does not exist. */
  async limitFor(name: string): Promise<number | null> {
    return (await this.deps.store.hook(name))?.maxBodyBytes ?? null;
  }

  forget(hookId: string): void {
    this.limiter.forget(hookId);
  }

  async receive(name: string, headers: Headers, body: Buffer): Promise<HookAnswer> {
    const { store, clock } = this.deps;
    const hook = await store.hook(name);
    if (!hook || hook.name !== name) return refusal(404, 'NOT_FOUND', 'No such hook.');
    const secret = await this.deps.secretFor(hook);
    const verdict = secret
      ? verifyDelivery({
          auth: hook.auth,
          secret,
          headers,
          body,
          nowMs: clock.now(),
          ...(this.deps.toleranceMs !== undefined ? { toleranceMs: this.deps.toleranceMs } : {}),
        })
      : ({ ok: false, reason: 'the hook has no secret in the keychain' } as const);
    if (!verdict.ok) {
      await this.deps.audit.append({
        actor: `webhook:${hook.name}`,
        kind: 'webhook.refuse',
        tool: null,
        args: { hook: hook.name },
        outcome: `refused: ${verdict.reason}`,
        conversationId: null,
      });
      return refusal(401, 'WEBHOOK_UNAUTHORIZED', 'The signature does not match this hook’s secret.');
    }
    const deliveryId = verdict.deliveryId;
    if (deliveryId) {
      const earlier = await store.deliveryRun(hook.id, deliveryId);
      if (earlier) return { status: 200, body: { replayed: true, deliveryId, runId: earlier } };
    }
    if (hook.paused)
      return refusal(503, 'HOOK_PAUSED', 'This hook is paused in Cell 0.', { 'retry-after': '300' });
    const waitMs = this.limiter.take(hook.id, hook.ratePerMinute, clock.now());
    if (waitMs > 0) {
      return refusal(429, 'RATE_LIMITED', `At most ${hook.ratePerMinute} deliveries a minute.`, {
        'retry-after': String(Math.ceil(waitMs / 1000)),
      });
    }
    const payload = parsePayload(headers, body);
    if (payload === undefined) return refusal(400, 'BAD_PAYLOAD', 'The body is not valid JSON.');
    const run: AutomationRun = {
      id: randomUUID(),
      kind: 'hook',
      automationId: hook.id,
      name: hook.name,
      trigger: 'delivery',
      deliveryId,
      conversationId: hook.conversationId,
      messageId: null,
      status: 'queued',
      error: null,
      queuedAt: clock.now(),
      startedAt: null,
      endedAt: null,
    };
    // Claimed with the run, in one transaction: of two copies arriving together, one runs, one is a replay.
    if (!(await store.claimAndAddRun(hook.id, deliveryId, run))) {
      const earlier = await store.deliveryRun(hook.id, deliveryId!);
      return { status: 200, body: { replayed: true, deliveryId, runId: earlier } };
    }
    void this.deps.runner.enqueue({
      run,
      prompt: renderTemplate(hook.prompt, payload),
      budget: hook.budget,
      tools: hook.tools,
      title: `${hook.name} ${new Date(run.queuedAt).toISOString().slice(0, 16).replace('T', ' ')}`,
    });
    return { status: 202, body: { queued: true, deliveryId, runId: run.id } };
  }
}

/** JSON when it says so or looks so; a form or text body is offered to the template as `$.body`. */
function parsePayload(headers: Headers, body: Buffer): unknown {
  const type = String(headers['content-type'] ?? '').toLowerCase();
  const text = body.toString('utf8');
  if (type.includes('json') || (!type && /^\s*[[{]/.test(text))) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }
  if (type.includes('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(text);
    const payload = form.get('payload');
    if (payload) {
      try {
        return JSON.parse(payload) as unknown;
      } catch {
        return undefined;
      }
    }
    return Object.fromEntries(form);
  }
  return { body: text };
}
