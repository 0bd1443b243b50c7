import type { LanguageModel } from 'ai';
import type { ConversationStore } from '../conversations/store.js';
import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import { Cell0Error, isCell0Error } from '../protocol/errors.js';
import type { DaemonStatus } from '../protocol/memory-entities.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { Database } from '../storage/database.js';
import { decayStale, mergeDuplicates } from './consolidation.js';
import { DaemonState, type DaemonTask } from './daemon-state.js';
import {
  extractCandidates,
  extractStep,
  summariseCandidates,
  summariseStep,
  type StepOutcome,
  type TaskContext,
} from './daemon-tasks.js';
import type { BoundModel, MemoryModels } from './models.js';
import type { Retrieval } from './types.js';

export interface MemoryDaemonDeps {
  db: Database;
  bus: EventBus;
  retrieval: Retrieval;
  models: Pick<MemoryModels, 'defaultChatModel' | 'isTransient'>;
  conversations: ConversationStore;
  settings: Pick<SettingsStore, 'memory'>;
  logger: Logger;
  now: () => number;
  /** Runs by itself on a timer; tests turn this off and call runOnce / runUntilIdle. */
  autoStart: boolean;
  /** Pause between looks for work when there was none. */
  tickMs: number;
  /** How long a conversation must be quiet before its new messages are read for memories. */
  idleMs: number;
}

type ModelTask = Extract<DaemonTask, { kind: 'extract' | 'summarise' }> & { title: string };

/** Memories embedded per step: small enough that a step never holds the database for long. */
const INDEX_BATCH = 64;
/** Pause between steps while there is work: requests get the database in between. */
const BUSY_GAP_MS = 200;
const MAX_BACKOFF_MS = 10 * 60_000;
/** A task failing this often with an error that waiting will not fix is skipped. */
const MAX_FAILURES = 3;

/**
 * cell0d, the consolidation daemon: in the background, one step at a time, it embeds what is new,
 * reads idle conversations for memories, summarises long ones, merges duplicates and lets unused
 * memories fade. Every step records itself in `memory_daemon_state` before it starts and commits
 * its result with its cursor, so after a crash the interrupted step is simply done again.
 */
export class MemoryDaemon {
  private readonly state: DaemonState;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private controller = new AbortController();
  private chain: Promise<unknown> = Promise.resolve();
  private current: DaemonStatus;
  private round = 0;
  private failures = { key: '', count: 0 };
  private backoffMs = 0;

  constructor(private readonly deps: MemoryDaemonDeps) {
    this.state = new DaemonState(deps.db);
    this.current = {
      state: 'idle',
      task: null,
      progress: null,
      tokensToday: 0,
      // Read at start: settings are not open yet when services are built.
      budgetPerDay: 0,
      lastError: null,
      lastRunAt: null,
    };
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.controller = new AbortController();
    await this.refreshStatus();
    if (this.deps.autoStart) this.schedule(Math.min(this.deps.tickMs, 2000));
  }

  /** Cancels the model call in flight (its step is redone at the next start) and waits for the step. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.controller.abort();
    await this.chain.catch(() => undefined);
  }

  async status(): Promise<DaemonStatus> {
    await this.refreshStatus();
    return this.current;
  }

  /** Re-reads the budget (after Settings changed it) and says so. */
  async budgetChanged(): Promise<DaemonStatus> {
    const status = await this.status();
    // A raised budget lets blocked work go on now rather than at the next tick.
    if (status.state === 'budget-exhausted' && this.deps.autoStart && !this.stopped) this.schedule(0);
    return status;
  }

  /** Does one step, if there is one to do; true when it did something. Steps never overlap. */
  runOnce(): Promise<boolean> {
    const run = this.chain.then(() => this.step());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Steps until there is nothing left to do (or a step fails). */
  async runUntilIdle(maxSteps = 1000): Promise<number> {
    let steps = 0;
    while (steps < maxSteps && (await this.runOnce())) steps++;
    return steps;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    // A pending look for work must not keep a headless process alive.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = null;
    let worked = false;
    try {
      worked = await this.runOnce();
    } catch (err) {
      this.deps.logger.warn('memory daemon step failed', err);
    }
    const wait = this.backoffMs > 0 ? this.backoffMs : worked ? BUSY_GAP_MS : this.deps.tickMs;
    this.schedule(wait);
  }

  private context(): TaskContext {
    return {
      db: this.deps.db,
      bus: this.deps.bus,
      retrieval: this.deps.retrieval,
      conversations: this.deps.conversations,
      state: this.state,
      now: this.deps.now,
      signal: this.controller.signal,
      tokensLeft: async () =>
        this.deps.settings.memory().tokensPerDay - (await this.state.tokensOn(this.deps.now())),
    };
  }

  private async step(): Promise<boolean> {
    if (this.controller.signal.aborted) return false;
    this.current.lastRunAt = this.deps.now();
    let task: DaemonTask = { kind: 'index' };
    let describe: ((err: unknown) => Cell0Error) | null = null;
    try {
      if ((await this.deps.retrieval.indexPending(INDEX_BATCH)) > 0) return this.worked();

      const pending = await this.modelTasks();
      let blocked: 'budget-exhausted' | 'no-model' | null = null;
      let blockedWhy: string | null = null;
      if (pending.length > 0) {
        const model = await this.model();
        if (typeof model === 'string') {
          blocked = 'no-model';
          blockedWhy = model;
        } else {
          task = pending[0]!;
          describe = model.describe;
          const outcome = await this.runModelTask(pending[0]!, pending.length, model.model);
          if (outcome === 'done') return this.worked();
          blocked = 'budget-exhausted';
        }
      }

      describe = null;
      task = { kind: 'merge' };
      if (await this.merge()) return this.worked();
      task = { kind: 'decay' };
      if (await this.decay()) return this.worked();

      this.round = 0;
      this.backoffMs = 0;
      await this.setStatus({
        state: blocked ?? 'idle',
        task: null,
        progress: null,
        lastError: blockedWhy,
      });
      return false;
    } catch (err) {
      if (this.controller.signal.aborted) return false;
      return this.failed(task, err, describe);
    }
  }

  private worked(): boolean {
    this.round++;
    this.backoffMs = 0;
    this.failures = { key: '', count: 0 };
    return true;
  }

  /** The interrupted model task first (resumed as it was), then extraction, then summaries. */
  private async modelTasks(): Promise<ModelTask[]> {
    const tasks: ModelTask[] = [];
    const saved = await this.state.task();
    if (saved && (saved.kind === 'extract' || saved.kind === 'summarise')) {
      const title = await this.deps.conversations
        .get(saved.conversationId)
        .then((c) => c.title)
        .catch(() => null);
      if (title === null) await this.state.clearTask();
      else tasks.push({ ...saved, title });
    }
    const quietSince = this.deps.now() - this.deps.idleMs;
    for (const c of await extractCandidates(this.deps.db, quietSince)) {
      tasks.push({ kind: 'extract', conversationId: c.conversationId, title: c.title });
    }
    for (const c of await summariseCandidates(this.deps.db)) {
      tasks.push({
        kind: 'summarise',
        conversationId: c.conversationId,
        uptoIndex: c.uptoIndex,
        title: c.title,
      });
    }
    const seen = new Set<string>();
    return tasks.filter((t) => {
      const key = `${t.kind}:${t.conversationId}`;
      return !seen.has(key) && seen.add(key);
    });
  }

  /** The default model, or why there is none. */
  private async model(): Promise<BoundModel<LanguageModel> | string> {
    try {
      return await this.deps.models.defaultChatModel();
    } catch (err) {
      return isCell0Error(err) ? err.message : String(err);
    }
  }

  private async runModelTask(task: ModelTask, pending: number, model: LanguageModel): Promise<StepOutcome> {
    const ctx = this.context();
    if ((await ctx.tokensLeft()) <= 0) return 'budget-exhausted';
    const { title, ...saved } = task;
    await this.setStatus({
      state: 'working',
      task:
        task.kind === 'extract'
          ? `Reading “${title}” for things to remember`
          : `Summarising the older part of “${title}”`,
      progress: { done: this.round, total: this.round + pending },
      lastError: null,
    });
    await this.state.setTask(saved);
    const outcome =
      task.kind === 'extract'
        ? await extractStep(ctx, model, task.conversationId, { clearTask: true })
        : await summariseStep(ctx, model, task.conversationId, task.uptoIndex);
    // Not started for want of budget: the task is not in progress either.
    if (outcome === 'budget-exhausted' && task.kind === 'extract') await this.state.clearTask();
    return outcome;
  }

  private async merge(): Promise<boolean> {
    const watermark = await this.state.getNumber('merge.watermark', 0);
    const result = await this.deps.db.transaction(async () => {
      const merged = await mergeDuplicates(this.deps.db, watermark, this.deps.now());
      if (merged.watermark !== watermark) await this.state.setInTx('merge.watermark', merged.watermark);
      return merged;
    });
    for (const memory of result.changed) this.deps.bus.emit('memory.updated', { memory });
    return result.changed.length > 0 || result.more;
  }

  private async decay(): Promise<boolean> {
    const lastRun = await this.state.getNumber('decay.lastRun', 0);
    const result = await this.deps.db.transaction(async () => {
      const decayed = await decayStale(this.deps.db, lastRun, this.deps.now());
      if (decayed) {
        await this.state.setInTx('decay.lastRun', decayed.nextRun);
        await this.state.dropOrphanCursorsInTx();
      }
      return decayed;
    });
    return result !== null && result.changed > 0;
  }

  private async failed(
    task: DaemonTask,
    err: unknown,
    describe: ((err: unknown) => Cell0Error) | null,
  ): Promise<boolean> {
    const error = describe
      ? describe(err)
      : isCell0Error(err)
        ? err
        : new Cell0Error('INTERNAL', err instanceof Error ? err.message : String(err));
    const key = JSON.stringify(task);
    this.failures = key === this.failures.key ? { key, count: this.failures.count + 1 } : { key, count: 1 };
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.deps.tickMs * 2 ** this.failures.count);
    this.deps.logger.warn(`memory daemon: ${task.kind} failed`, err);
    // Waiting fixes a rate limit or an outage, not a conversation the model cannot take: move past it.
    if (
      this.failures.count >= MAX_FAILURES &&
      !this.deps.models.isTransient(error) &&
      task.kind === 'extract'
    ) {
      await this.skipStuck(task.conversationId);
    }
    await this.setStatus({ state: 'error', task: null, progress: null, lastError: error.message });
    return false;
  }

  private async skipStuck(conversationId: string): Promise<void> {
    const conversation = await this.deps.conversations.get(conversationId).catch(() => null);
    await this.deps.db.transaction(async () => {
      if (conversation) {
        const last = conversation.messageCount - 1;
        this.deps.logger.warn(`memory daemon: skipped unreadable messages of conversation ${conversationId}`);
        await this.state.setExtractCursorInTx(conversationId, last);
      }
      await this.state.clearTaskInTx();
    });
    this.failures = { key: '', count: 0 };
  }

  private async refreshStatus(): Promise<void> {
    await this.setStatus({});
  }

  /** Updates the status and announces it when something a person would notice changed. */
  private async setStatus(patch: Partial<DaemonStatus>): Promise<void> {
    const tokensToday = await this.state.tokensOn(this.deps.now());
    const budgetPerDay = this.deps.settings.memory().tokensPerDay;
    const next: DaemonStatus = { ...this.current, ...patch, tokensToday, budgetPerDay };
    const raised = budgetPerDay > this.current.budgetPerDay || tokensToday < this.current.tokensToday;
    if (next.state === 'budget-exhausted' && patch.state === undefined && raised) {
      // The budget was raised (or a new day began) since work was held back: it may go on.
      next.state = 'idle';
    }
    const { lastRunAt: _a, ...before } = this.current;
    const { lastRunAt: _b, ...after } = next;
    this.current = next;
    if (JSON.stringify(before) !== JSON.stringify(after))
      this.deps.bus.emit('memory.status', { status: next });
  }
}
