import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../base/clock.js';
import type { EventBus } from '../../base/event-bus.js';
import type { Logger } from '../../base/logger.js';
import type { Keychain } from '../../identity/keychain.js';
import type { AuditLog } from '../../kernel/audit/audit-log.js';
import {
  DEFAULT_AUTOMATION_BUDGET,
  type AutomationRun,
  type GatewaySettings,
  type Hook,
  type Job,
} from '../../protocol/automation-entities.js';
import type { MethodParams, MethodResult } from '../../protocol/methods.js';
import { Cell0Error } from '../../protocol/errors.js';
import type { Database } from '../../storage/database.js';
import type { SettingsStore } from '../../settings/settings-store.js';
import { AutomationRunner, type RunAgent } from './automation-runner.js';
import { AutomationStore, type JobRecord } from './automation-store.js';
import { HookReceiver } from './hook-receiver.js';
import { JobScheduler } from './job-scheduler.js';
import { checkTrigger, nextRuns } from './schedule.js';

export interface AutomationServiceDeps {
  db: Database;
  bus: EventBus;
  keychain: Keychain;
  audit: AuditLog;
  agent: RunAgent;
  logger: Logger;
  settings: SettingsStore;
  clock?: Clock;
  /** How far a Standard Webhooks timestamp may be from now. */
  toleranceMs?: number;
  /** False for a short-lived core (a CLI command's own): jobs fire only in the app. */
  schedule?: boolean;
}

const DEFAULT_RATE_PER_MINUTE = 60;
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

function secretAccount(hookId: string): string {
  return `hook:${hookId}`;
}

/**
 * Webhooks and scheduled jobs: their settings, their secrets (in the keychain), the receiver the
 * gateway hands deliveries to, the scheduler and the runs. A background service: it starts after
 * chat and delays nothing the window needs.
 */
export class AutomationService {
  readonly store: AutomationStore;
  readonly receiver: HookReceiver;
  private readonly runner: AutomationRunner;
  private readonly scheduler: JobScheduler;
  private readonly clock: Clock;
  private readonly secrets = new Map<string, string>();
  private listening: string | null = null;

  constructor(private readonly deps: AutomationServiceDeps) {
    this.clock = deps.clock ?? systemClock;
    this.store = new AutomationStore(deps.db);
    this.runner = new AutomationRunner({
      store: this.store,
      agent: deps.agent,
      bus: deps.bus,
      clock: this.clock,
      logger: deps.logger,
    });
    this.receiver = new HookReceiver({
      store: this.store,
      runner: this.runner,
      audit: deps.audit,
      clock: this.clock,
      logger: deps.logger,
      secretFor: (hook) => this.secretFor(hook),
      ...(deps.toleranceMs !== undefined ? { toleranceMs: deps.toleranceMs } : {}),
    });
    this.scheduler = new JobScheduler({
      store: this.store,
      runner: this.runner,
      clock: this.clock,
      logger: deps.logger,
      emitRun: (run) => deps.bus.emit('automation.run', { run }),
    });
  }

  async start(): Promise<void> {
    await this.store.markUnfinished(this.clock.now());
    this.runner.start();
    if (this.deps.schedule !== false) await this.scheduler.start();
  }

  async stop(): Promise<void> {
    this.scheduler.stop();
    await this.runner.stop();
  }

  /** Set by the gateway once it listens (`http://ADDRESS:PORT`, or null when it stops): hook URLs follow. */
  setListening(origin: string | null): void {
    this.listening = origin;
    this.changed();
  }

  gatewaySettings(): { settings: GatewaySettings; listening: string | null } {
    return { settings: this.deps.settings.gateway(), listening: this.listening };
  }

  setGatewaySettings(next: GatewaySettings): { settings: GatewaySettings; listening: string | null } {
    const settings = this.deps.settings.setGateway(next);
    this.changed();
    return { settings, listening: this.listening };
  }

  private get hookBase(): string | null {
    return this.listening ? `${this.listening}/hooks` : null;
  }

  /** Runs queued or going (the bench waits on this; the agents monitor could show it). */
  activeRuns(): number {
    return this.runner.activeCount();
  }

  private async secretFor(hook: Hook): Promise<string | null> {
    const cached = this.secrets.get(hook.id);
    if (cached !== undefined) return cached;
    const secret = await this.deps.keychain.get(secretAccount(hook.id));
    if (secret !== null) this.secrets.set(hook.id, secret);
    return secret;
  }

  private changed(): void {
    this.deps.bus.emit('automations.changed', {});
  }

  private jobView(job: JobRecord): Job {
    const { checkedAt: _checked, ...rest } = job;
    return { ...rest, nextRunAt: this.scheduler.nextRunAt(job) };
  }

  async list(): Promise<MethodResult<'automations.list'>> {
    const [hooks, jobs, last] = await Promise.all([
      this.store.hooks(),
      this.store.jobs(),
      this.store.lastRuns(),
    ]);
    return {
      hooks: hooks.map((h) => ({ ...h, lastRun: last.get(h.id) ?? null })),
      jobs: jobs.map((j) => ({ ...this.jobView(j), lastRun: last.get(j.id) ?? null })),
      hookBase: this.hookBase,
    };
  }

  async runs(automationId: string, limit?: number): Promise<AutomationRun[]> {
    return this.store.runs(automationId, limit);
  }

  async addHook(params: MethodParams<'hooks.add'>): Promise<MethodResult<'hooks.add'>> {
    const made = params.secret === undefined;
    const secret = params.secret ?? `whsec_${randomBytes(24).toString('base64')}`;
    if (params.conversationId && !(await this.deps.agent.conversationExists(params.conversationId))) {
      throw new Cell0Error('NOT_FOUND', 'That conversation does not exist.');
    }
    const hook = await this.store.addHook(
      {
        name: params.name,
        prompt: params.prompt,
        conversationId: params.conversationId ?? null,
        auth: params.auth ?? 'hmac',
        tools: params.tools ?? 'ask',
        budget: params.budget ?? DEFAULT_AUTOMATION_BUDGET,
        ratePerMinute: params.ratePerMinute ?? DEFAULT_RATE_PER_MINUTE,
        maxBodyBytes: params.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        paused: params.paused ?? false,
      },
      this.clock.now(),
    );
    try {
      await this.deps.keychain.set(secretAccount(hook.id), secret);
    } catch (err) {
      // No secret, no hook: one that could never verify a delivery is not kept.
      await this.store.removeHook(hook.id);
      throw err;
    }
    this.secrets.set(hook.id, secret);
    this.changed();
    return {
      hook,
      secret: made ? secret : null,
      url: this.hookBase ? `${this.hookBase}/${hook.name}` : null,
    };
  }

  async updateHook(params: MethodParams<'hooks.update'>): Promise<Hook> {
    const hook = await this.store.requireHook(params.id);
    const { id: _id, secret, ...change } = params;
    const next: Hook = {
      ...hook,
      ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)),
    };
    if (secret !== undefined) {
      await this.deps.keychain.set(secretAccount(hook.id), secret);
      this.secrets.set(hook.id, secret);
    }
    await this.store.saveHook(next);
    this.receiver.forget(hook.id);
    this.changed();
    return next;
  }

  async removeHook(id: string): Promise<void> {
    const hook = await this.store.requireHook(id);
    await this.store.removeHook(hook.id);
    this.secrets.delete(hook.id);
    this.receiver.forget(hook.id);
    await this.deps.keychain.delete(secretAccount(hook.id)).catch((err: unknown) => {
      this.deps.logger.warn(`the secret of hook ${hook.name} stays in the keychain`, err);
    });
    this.changed();
  }

  preview(trigger: Job['trigger']): number[] {
    const now = this.clock.now();
    checkTrigger(trigger, now);
    return nextRuns(trigger, now, 5, now);
  }

  async addJob(params: MethodParams<'jobs.add'>): Promise<MethodResult<'jobs.add'>> {
    const now = this.clock.now();
    checkTrigger(params.trigger, now);
    if (await this.store.job(params.name)) {
      throw new Cell0Error('AUTOMATION_EXISTS', `A job "${params.name}" exists already.`);
    }
    const conversationId = await this.deps.agent.createConversation(params.name);
    const job = await this.store.addJob(
      {
        name: params.name,
        prompt: params.prompt,
        trigger: params.trigger,
        conversationId,
        missed: params.missed ?? 'skip',
        tools: params.tools ?? 'ask',
        budget: params.budget ?? DEFAULT_AUTOMATION_BUDGET,
        paused: params.paused ?? false,
        checkedAt: now,
      },
      now,
    );
    await this.scheduler.reschedule(job);
    this.changed();
    return { job: this.jobView(job), nextRuns: nextRuns(job.trigger, now, 5, job.createdAt) };
  }

  async updateJob(params: MethodParams<'jobs.update'>): Promise<Job> {
    const job = await this.store.requireJob(params.id);
    const { id: _id, ...change } = params;
    const next: JobRecord = {
      ...job,
      ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)),
    };
    if (change.trigger) checkTrigger(change.trigger, this.clock.now());
    // Resuming does not make up the paused time; a changed trigger starts counting from now.
    if ((job.paused && !next.paused) || change.trigger) next.checkedAt = this.clock.now();
    await this.store.saveJob(next);
    await this.scheduler.reschedule(next);
    this.changed();
    return this.jobView(next);
  }

  async removeJob(id: string): Promise<void> {
    const job = await this.store.requireJob(id);
    await this.store.removeJob(job.id);
    this.scheduler.forget(job.id);
    this.changed();
  }

  async runJob(id: string): Promise<AutomationRun> {
    return this.scheduler.runNow(await this.store.requireJob(id));
  }
}
