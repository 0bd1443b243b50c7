import type { EventBus } from '../../base/event-bus.js';
import type { Clock } from '../../base/clock.js';
import type { Logger } from '../../base/logger.js';
import type { AutomationBudget, AutomationRun } from '../../protocol/automation-entities.js';
import type { Message } from '../../protocol/entities.js';
import type { EventPayload } from '../../protocol/events.js';
import { Cell0Error, isCell0Error } from '../../protocol/errors.js';
import type { AutomationStore } from './automation-store.js';

/**
 * The agent as automations reach it: the chat service's send (so a run is one reply through the
 * one agent turn, with memory, the kernel and the window seeing it like any other), given by the
 * composition root.
 */
export interface RunAgent {
  send(
    conversationId: string,
    text: string,
    clientMessageId: string,
    options: { budget: AutomationBudget; tools: 'ask' | 'off' },
  ): Promise<{ assistantMessage: Message }>;
  /** Resolves when the reply is no longer streaming. */
  replyEnded(messageId: string): Promise<void>;
  /** Resolves when the conversation may be free again (a reply or swarm there ended, or a while passed). */
  idle(conversationId: string): Promise<void>;
  createConversation(title: string): Promise<string>;
  conversationExists(conversationId: string): Promise<boolean>;
  message(messageId: string): Promise<Message>;
}

export interface RunRequest {
  run: AutomationRun;
  prompt: string;
  budget: AutomationBudget;
  tools: 'ask' | 'off';
  /** A title for a fresh conversation (a hook's run without a fixed one). */
  title: string;
}

/** Tries a busy conversation this many times before the run gives up as failed. */
const MAX_BUSY_WAITS = 20;

/**
 * Runs automations' prompts: one after another per conversation (a run never interrupts a reply),
 * recording each run's state and announcing it, so the window can show it and notify on failure
 * or a permission wait.
 */
export class AutomationRunner {
  private readonly chains = new Map<string, Promise<void>>();
  /** Runs going now, by their conversation: a permission asked there is theirs. */
  private readonly live = new Map<string, AutomationRun>();
  private readonly pending = new Set<Promise<void>>();
  private unsubscribe: (() => void) | null = null;
  private stopping = false;

  constructor(
    private readonly deps: {
      store: AutomationStore;
      agent: RunAgent;
      bus: EventBus;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  start(): void {
    this.stopping = false;
    this.unsubscribe = this.deps.bus.subscribe((frame) => {
      if (frame.event === 'permission.requested') {
        const { request } = frame.payload as EventPayload<'permission.requested'>;
        const run = this.live.get(request.conversationId);
        if (run && run.status === 'running') void this.update(run, { status: 'waiting' });
      } else if (frame.event === 'permission.resolved') {
        for (const run of this.live.values())
          if (run.status === 'waiting') void this.update(run, { status: 'running' });
      }
    });
  }

  /** Waits for the runs under way to be recorded as they ended (the chat service stops their replies). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await Promise.allSettled([...this.pending]);
  }

  /** How many runs are queued or going. */
  activeCount(): number {
    return this.pending.size;
  }

  /** Queues the run behind any other in its conversation; resolves when it has ended. */
  enqueue(request: RunRequest): Promise<void> {
    const key = request.run.conversationId ?? `fresh:${request.run.id}`;
    const before = this.chains.get(key) ?? Promise.resolve();
    const done = before.then(() => this.execute(request));
    const tail = done.catch(() => undefined);
    this.chains.set(key, tail);
    this.pending.add(tail);
    void tail.finally(() => {
      this.pending.delete(tail);
      if (this.chains.get(key) === tail) this.chains.delete(key);
    });
    return tail;
  }

  private async execute(request: RunRequest): Promise<void> {
    const { agent } = this.deps;
    let run = request.run;
    try {
      if (this.stopping) throw new Cell0Error('AGENT_FAILED', 'Cell 0 stopped before this run started.');
      let conversationId = run.conversationId;
      if (!conversationId || !(await agent.conversationExists(conversationId))) {
        conversationId = await agent.createConversation(request.title);
      }
      run = await this.update(run, { conversationId, startedAt: this.deps.clock.now() });
      const sent = await this.sendWhenFree(conversationId, run.id, request);
      this.live.set(conversationId, run);
      run = await this.update(run, { status: 'running', messageId: sent.assistantMessage.id });
      await agent.replyEnded(sent.assistantMessage.id);
      const message = await agent.message(sent.assistantMessage.id);
      run = this.live.get(conversationId) ?? run;
      this.live.delete(conversationId);
      const status =
        message.status === 'complete' ? 'complete' : message.status === 'stopped' ? 'stopped' : 'error';
      await this.update(run, {
        status,
        error:
          status === 'error'
            ? (message.error ?? { code: 'AGENT_FAILED', message: 'The reply failed.' })
            : null,
        endedAt: this.deps.clock.now(),
      });
    } catch (err) {
      if (run.conversationId) this.live.delete(run.conversationId);
      if (!isCell0Error(err)) this.deps.logger.error(`automation run ${run.name} failed`, err);
      await this.update(run, {
        status: 'error',
        error: isCell0Error(err)
          ? err.toShape()
          : { code: 'INTERNAL', message: 'The run could not start. It was logged.' },
        endedAt: this.deps.clock.now(),
      }).catch((e: unknown) => this.deps.logger.error('an automation run could not be saved', e));
    }
  }

  /** A reply typed in the window may be going there: the run waits its turn instead of failing BUSY. */
  private async sendWhenFree(conversationId: string, runId: string, request: RunRequest) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.agent.send(conversationId, request.prompt, `automation:${runId}`, {
          budget: request.budget,
          tools: request.tools,
        });
      } catch (err) {
        if (!isCell0Error(err) || err.code !== 'BUSY' || attempt >= MAX_BUSY_WAITS || this.stopping)
          throw err;
        await this.deps.agent.idle(conversationId);
      }
    }
  }

  private async update(run: AutomationRun, change: Partial<AutomationRun>): Promise<AutomationRun> {
    Object.assign(run, change);
    await this.deps.store.saveRun(run);
    this.deps.bus.emit('automation.run', { run: { ...run } });
    return run;
  }
}
