import { randomUUID } from 'node:crypto';
import type { Clock, ClockTimer } from '../../base/clock.js';
import type { Logger } from '../../base/logger.js';
import type { AutomationRun } from '../../protocol/automation-entities.js';
import { Cell0Error } from '../../protocol/errors.js';
import type { AutomationRunner } from './automation-runner.js';
import type { AutomationStore, JobRecord } from './automation-store.js';
import { lastDueIn, nextRuns } from './schedule.js';

/** A run this much after its time is on time; later, it was missed (the machine slept, Cell 0 was off). */
export const ON_TIME_GRACE_MS = 60_000;

/**
 * Fires scheduled jobs. Croner reads the expressions; the waiting is done on the injected clock,
 * one timer per job, and every wake-up asks "what came due since I last looked?": so a sleep, a
 * shutdown or a timer that fired late all come to the job's missed-run policy, and a clock in a
 * test can be moved by hand.
 */
export class JobScheduler {
  private readonly timers = new Map<string, ClockTimer>();
  private readonly next = new Map<string, number | null>();
  /** Jobs with a run queued or going: the next fire is skipped, never overlapped. */
  private readonly running = new Set<string>();
  private started = false;

  constructor(
    private readonly deps: {
      store: AutomationStore;
      runner: AutomationRunner;
      clock: Clock;
      logger: Logger;
      emitRun(run: AutomationRun): void;
    },
  ) {}

  async start(): Promise<void> {
    this.started = true;
    for (const job of await this.deps.store.jobs()) await this.check(job);
  }

  stop(): void {
    this.started = false;
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
  }

  /** When the job fires next: as armed, or (a scheduler not started, as in a CLI's own core) as computed. */
  nextRunAt(job: JobRecord): number | null {
    if (job.paused) return null;
    if (this.next.has(job.id)) return this.next.get(job.id) ?? null;
    return nextRuns(job.trigger, this.deps.clock.now(), 1, job.createdAt)[0] ?? null;
  }

  /** A job was added, edited, paused or resumed: its timer follows. */
  async reschedule(job: JobRecord): Promise<void> {
    this.timers.get(job.id)?.cancel();
    this.timers.delete(job.id);
    if (!this.started) return;
    if (job.paused) {
      this.next.set(job.id, null);
      return;
    }
    this.arm(job);
  }

  forget(jobId: string): void {
    this.timers.get(jobId)?.cancel();
    this.timers.delete(jobId);
    this.next.delete(jobId);
  }

  /** The owner's Run now: refused while a run of the job is still going. */
  async runNow(job: JobRecord): Promise<AutomationRun> {
    if (this.running.has(job.id)) {
      throw new Cell0Error('BUSY', `A run of “${job.name}” is still going; wait for it to finish.`);
    }
    return this.fire(job, 'manual');
  }

  private async check(job: JobRecord): Promise<void> {
    if (!this.started) return;
    const now = this.deps.clock.now();
    if (!job.paused) {
      const due = lastDueIn(job.trigger, job.checkedAt, now, job.createdAt);
      if (due !== null) {
        if (now - due <= ON_TIME_GRACE_MS) await this.fire(job, 'schedule');
        else if (job.missed === 'run-once') await this.fire(job, 'missed');
        else await this.record(job, 'missed', 'skipped', null);
      }
    }
    // Paused time is not owed: a job resumed later does not make up what it skipped.
    job.checkedAt = now;
    await this.deps.store.setCheckedAt(job.id, now);
    await this.reschedule(job);
  }

  private arm(job: JobRecord): void {
    const now = this.deps.clock.now();
    const [at] = nextRuns(job.trigger, now, 1, job.createdAt);
    this.next.set(job.id, at ?? null);
    if (at === undefined) return;
    const timer = this.deps.clock.after(at - now, () => {
      if (this.timers.get(job.id) !== timer) return;
      this.timers.delete(job.id);
      // The job may have been edited meanwhile: its stored form is the one that fires.
      void this.deps.store
        .job(job.id)
        .then((fresh) => (fresh ? this.check(fresh) : undefined))
        .catch((err: unknown) => this.deps.logger.error(`job ${job.name} could not be checked`, err));
    });
    this.timers.set(job.id, timer);
  }

  private async fire(job: JobRecord, trigger: AutomationRun['trigger']): Promise<AutomationRun> {
    if (this.running.has(job.id)) {
      return this.record(job, trigger, 'skipped', {
        code: 'BUSY',
        message: 'Skipped: the previous run was still going.',
      });
    }
    const run = await this.record(job, trigger, 'queued', null);
    this.running.add(job.id);
    void this.deps.runner
      .enqueue({ run, prompt: job.prompt, budget: job.budget, tools: job.tools, title: job.name })
      .finally(() => this.running.delete(job.id));
    return run;
  }

  private async record(
    job: JobRecord,
    trigger: AutomationRun['trigger'],
    status: AutomationRun['status'],
    error: AutomationRun['error'],
  ): Promise<AutomationRun> {
    const now = this.deps.clock.now();
    const run: AutomationRun = {
      id: randomUUID(),
      kind: 'job',
      automationId: job.id,
      name: job.name,
      trigger,
      deliveryId: null,
      conversationId: job.conversationId,
      messageId: null,
      status,
      error,
      queuedAt: now,
      startedAt: null,
      endedAt: status === 'skipped' ? now : null,
    };
    await this.deps.store.addRun(run);
    this.deps.emitRun(run);
    return run;
  }
}
