import type { LanguageModel } from 'ai';
import type { ConversationStore } from '../conversations/store.js';
import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import { Cell0Error, isCell0Error } from '../protocol/errors.js';
import type { DaemonStatus } from '../protocol/memory-entities.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { Database } from '../storage/database.js';
import { decayStep, mergeStep } from './consolidation.js';
import { asFailure, blamesConversation, DaemonFailures, failureLine } from './daemon-failures.js';
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
  private failureCount = 0;
  /** The failure last logged: the same one again (every tick while a key is wrong) is not. */
  private lastLogged: string | null = null;
  private backoffMs = 0;
  private readonly failures: DaemonFailures;

  constructor(private readonly deps: MemoryDaemonDeps) {
    this.state = new DaemonState(deps.db);
    this.failures = new DaemonFailures(deps.db);
    this.current = {
      state: 'idle',
      task: null,
      progress: null,
      tokensToday: 0,
      // Read at start: settings are not open yet when services are built.
      budgetPerDay: 0,
      lastError: null,
      lastRunAt: null,
      failures: [],
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

  /** Reads a conversation that failed (or was skipped) again, at the next step. */
  async retry(conversationId: string): Promise<DaemonStatus> {
    if (!(await this.failures.clear(conversationId))) {
      throw new Cell0Error(
        'NOT_FOUND',
        'That conversation is not waiting for a retry. Refresh the Memory view.',
      );
    }
    if (this.deps.autoStart && !this.stopped) this.schedule(0);
    return this.status();
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
      // A step that could not even record its failure (the database is gone): once, not every tick.
      this.logOnce(`memory daemon: a step failed: ${err instanceof Error ? err.message : String(err)}`, err);
    }
    const wait = this.backoffMs > 0 ? this.backoffMs : worked ? BUSY_GAP_MS : this.deps.tickMs;
    this.schedule(wait);
  }

  private context(describe: TaskContext['describe']): TaskContext {
    return {
      describe,
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
    let modelTask: ModelTask | null = null;
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
          task = modelTask = pending[0]!;
          const outcome = await this.runModelTask(modelTask, pending.length, model);
          if (outcome === 'done') {
            await this.failures.clear(modelTask.conversationId);
            return this.worked();
          }
          blocked = 'budget-exhausted';
        }
      }

      modelTask = null;
      const upkeep = { db: this.deps.db, bus: this.deps.bus, state: this.state, now: this.deps.now };
      task = { kind: 'merge' };
      if (await mergeStep(upkeep)) return this.worked();
      task = { kind: 'decay' };
      if (await decayStep(upkeep)) return this.worked();

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
      const { error, detail } = asFailure(err);
      if (modelTask && blamesConversation(error)) return this.conversationFailed(modelTask, error, detail);
      return this.failed(task, error, detail);
    }
  }

  private worked(): boolean {
    this.round++;
    this.backoffMs = 0;
    this.failureCount = 0;
    this.lastLogged = null;
    return true;
  }

  /** The interrupted model task first (resumed as it was), then extraction, then summaries. */
  private async modelTasks(): Promise<ModelTask[]> {
    const tasks: ModelTask[] = [];
    const heldBack = await this.failures.heldBack(this.deps.now());
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
    // A conversation waiting after a failure, or skipped, leaves its place to the others.
    return tasks.filter((t) => {
      const key = `${t.kind}:${t.conversationId}`;
      return !heldBack.has(t.conversationId) && !seen.has(key) && seen.add(key);
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

  private async runModelTask(
    task: ModelTask,
    pending: number,
    { model, describe }: BoundModel<LanguageModel>,
  ): Promise<StepOutcome> {
    const ctx = this.context(describe);
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

  /**
   * A conversation could not be read: it waits (longer after each failure) or, after a few
   * attempts, is skipped and marked, and the others go on meanwhile. True: the queue moved on.
   */
  private async conversationFailed(task: ModelTask, error: Cell0Error, detail: string): Promise<boolean> {
    const transient = this.deps.models.isTransient(error);
    const now = this.deps.now();
    const outcome = await this.failures.record(task.conversationId, task.kind, error, {
      transient,
      baseWaitMs: this.deps.tickMs * 2,
      now,
    });
    // Its place in the queue goes to the next conversation, not back to this one.
    await this.state.clearTask();
    this.deps.logger.warn(failureLine(task, outcome, detail, now));
    // A rate limit or an overload is the provider's: give it a rest before the next conversation.
    this.backoffMs = transient ? this.nextBackoff() : 0;
    await this.setStatus({ state: 'idle', task: null, progress: null, lastError: null });
    return true;
  }

  /** Anything else (the provider as a whole, the index, a merge): the daemon waits and tries again. */
  private async failed(task: DaemonTask, error: Cell0Error, detail: string): Promise<boolean> {
    this.backoffMs = this.nextBackoff();
    // Our own bug or a storage error: its stack helps, and is logged once like the line.
    this.logOnce(
      `memory daemon: ${task.kind} failed (${detail})`,
      error.code === 'INTERNAL' ? error.cause : undefined,
    );
    await this.setStatus({ state: 'error', task: null, progress: null, lastError: error.message });
    return false;
  }

  private nextBackoff(): number {
    this.failureCount++;
    return Math.min(MAX_BACKOFF_MS, this.deps.tickMs * 2 ** this.failureCount);
  }

  private logOnce(line: string, detail?: unknown): void {
    if (line === this.lastLogged) return;
    this.lastLogged = line;
    this.deps.logger.warn(line, detail);
  }

  private async refreshStatus(): Promise<void> {
    await this.setStatus({});
  }

  /** Updates the status and announces it when something a person would notice changed. */
  private async setStatus(patch: Partial<DaemonStatus>): Promise<void> {
    const tokensToday = await this.state.tokensOn(this.deps.now());
    const budgetPerDay = this.deps.settings.memory().tokensPerDay;
    const failures = await this.failures.list();
    const next: DaemonStatus = { ...this.current, ...patch, tokensToday, budgetPerDay, failures };
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
