import { randomUUID } from 'node:crypto';
import type { ToolSet } from 'ai';
import type { PauseGate } from '../base/pause-gate.js';
import type { ProviderRegistry } from '../agents/provider-registry.js';
import type { ConversationStore } from '../conversations/store.js';
import { DEFAULT_TITLE } from '../conversations/store.js';
import type { EventBus } from '../base/event-bus.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Logger } from '../base/logger.js';
import type { Message, ModelRef } from '../protocol/entities.js';
import { Cell0Error } from '../protocol/errors.js';
import {
  DEFAULT_SWARM_BUDGET,
  type SwarmAgent,
  type SwarmBudget,
  type SwarmEvent,
  type SwarmProposal,
  type SwarmRun,
} from '../protocol/swarm-entities.js';
import type { Database } from '../storage/database.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { MemoryService } from '../memory/memory-service.js';
import type { RetryPolicy } from '../agents/retry-policy.js';
import { hostContent } from './host-message.js';
import { SwarmExecution } from './swarm-execution.js';
import { SwarmProposals } from './swarm-proposals.js';
import { SwarmStore } from './swarm-store.js';
import type { RemoteWorkers } from './swarm-placement.js';

export interface SwarmServiceOptions {
  db: Database;
  bus: EventBus;
  providers: ProviderRegistry;
  conversations: ConversationStore;
  audit: Pick<AuditLog, 'append'>;
  logger: Logger;
  kernel?: Kernel;
  gate?: PauseGate;
  /** Tools offered to workers without the kernel (tests). */
  tools?: ToolSet;
  /** More tools through the kernel for workers (MCP servers), handed in by the composition root. */
  extraTools?: (ctx: { conversationId: string; messageId: string; signal: AbortSignal }) => ToolSet;
  /** Whether a chat reply is streaming in the conversation (a swarm then waits its turn). */
  chatBusy?: (conversationId: string) => boolean;
  /** The owner's memories, given to the coordinator and each worker for their part of the task. */
  memory?: Pick<MemoryService, 'briefing'>;
  /** Where the owner's default budget is kept. */
  settings?: Pick<SettingsStore, 'swarmBudget' | 'setSwarmBudget'>;
  /** Overrides the stored default budget (tests). */
  budget?: Partial<SwarmBudget>;
  agentSteps?: number;
  flushMs?: number;
  /** Waits after a rate limit (as for chat replies; tests shorten them). */
  retry?: Partial<RetryPolicy>;
  /** The owner's other instances, where workers may be placed (the mesh gives this). */
  remoteWorkers?: RemoteWorkers;
}

/**
 * Swarms: starts runs from the chat (or an agent's accepted proposal), keeps the live ones, and
 * serves stored runs and their events for replay.
 */
export class SwarmService {
  private readonly store: SwarmStore;
  private readonly live = new Map<string, SwarmExecution>();
  private readonly proposals: SwarmProposals;
  /** Each live run's end, recorded (audit, its message): what stopping waits for. */
  private readonly completions = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(private readonly options: SwarmServiceOptions) {
    this.store = new SwarmStore(options.db);
    this.proposals = new SwarmProposals({
      bus: options.bus,
      audit: options.audit,
      launch: (proposal) => this.launchProposal(proposal),
      follow: (runId) => {
        const e = this.live.get(runId);
        return { done: e ? e.done : this.store.run(runId), stop: () => e?.stop() };
      },
    });
  }

  /** The owner's default budget (Settings), with any test override on top. */
  defaultBudget(): SwarmBudget {
    return { ...(this.options.settings?.swarmBudget() ?? DEFAULT_SWARM_BUDGET), ...this.options.budget };
  }

  setDefaultBudget(budget: SwarmBudget): SwarmBudget {
    if (!this.options.settings) throw new Cell0Error('INTERNAL', 'Settings are not available.');
    return this.options.settings.setSwarmBudget(budget);
  }

  /** Runs that were going when the app stopped end as failed, with why; their events stay for replay. */
  async start(): Promise<void> {
    await this.store.endInterrupted(Date.now());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.proposals.close();
    const running = [...this.live.values()];
    for (const execution of running) execution.stop();
    await Promise.allSettled([...this.completions.values()]);
  }

  /** The owner's `/swarm` from the chat: stores the task and the run's message, then runs it. */
  async startFromChat(params: {
    conversationId: string;
    task: string;
    clientMessageId: string;
    budget?: Partial<SwarmBudget> | undefined;
    simulate?: boolean | undefined;
  }): Promise<{ run: SwarmRun; userMessage: Message; assistantMessage: Message; labId?: string }> {
    const { conversations, bus } = this.options;
    const resent = await conversations.findExchange(params.conversationId, params.clientMessageId);
    if (resent) {
      const run = await this.store.runByMessage(resent.assistantMessage.id);
      if (run) return { run, ...resent };
      throw new Cell0Error('BUSY', 'That message was already sent as a chat message, not a swarm.');
    }
    this.assertFree(params.conversationId);
    const before = await conversations.get(params.conversationId);
    const resolved = await this.options.providers.resolve(before.modelRef);
    const modelRef = { providerId: resolved.provider.id, model: resolved.model };
    if (params.simulate && !this.options.kernel) {
      throw new Cell0Error('LAB_UNAVAILABLE', 'Simulating a swarm needs the kernel’s sandbox.');
    }
    const lab = params.simulate ? await this.options.kernel!.openLab(params.conversationId, 'swarm') : null;
    const exchange = await conversations.appendExchange(
      params.conversationId,
      params.task,
      params.clientMessageId,
      modelRef,
    );
    bus.emit('message.created', { message: exchange.userMessage });
    bus.emit('message.created', { message: exchange.assistantMessage });
    if (before.messageCount === 0 && before.title === DEFAULT_TITLE) {
      await conversations.rename(
        params.conversationId,
        `Swarm: ${params.task.trim().split('\n')[0]!.slice(0, 50)}`,
      );
    }
    bus.emit('conversation.updated', { conversation: await conversations.get(params.conversationId) });
    const execution = await this.launch({
      conversationId: params.conversationId,
      messageId: exchange.assistantMessage.id,
      task: params.task,
      modelRef,
      budget: params.budget,
      hostOwned: true,
      ...(lab ? { labId: lab.id } : {}),
    });
    return { run: structuredClone(execution.run), ...exchange, ...(lab ? { labId: lab.id } : {}) };
  }

  private assertFree(conversationId: string): void {
    if (this.stopping) throw new Cell0Error('BUSY', 'Cell 0 is shutting down.');
    if (this.options.chatBusy?.(conversationId) || this.isBusy(conversationId)) {
      throw new Cell0Error(
        'BUSY',
        'A reply or a swarm is still running in this conversation. Stop it or wait for it to finish.',
      );
    }
  }

  /** Whether a swarm started from the chat is running in the conversation. */
  isBusy(conversationId: string): boolean {
    for (const e of this.live.values()) if (e.run.conversationId === conversationId) return true;
    return false;
  }

  /** Agents at work now, across every live run (for the tray and status bar). */
  activeAgents(): number {
    let n = 0;
    for (const e of this.live.values()) n += e.activeAgents();
    return n;
  }

  private async launch(params: {
    conversationId: string;
    messageId: string;
    task: string;
    modelRef: ModelRef;
    budget: Partial<SwarmBudget> | undefined;
    hostOwned: boolean;
    labId?: string;
  }): Promise<SwarmExecution> {
    const run: SwarmRun = {
      id: randomUUID(),
      conversationId: params.conversationId,
      messageId: params.messageId,
      task: params.task,
      status: 'planning',
      providerId: params.modelRef.providerId,
      model: params.modelRef.model,
      budget: { ...this.defaultBudget(), ...params.budget },
      usage: { agents: 0, tokens: 0, costUsd: 0, toolCalls: 0 },
      finalAnswer: null,
      error: null,
      createdAt: Date.now(),
      endedAt: null,
    };
    await this.store.saveRun(run);
    await this.options.audit.append({
      actor: 'owner',
      kind: 'tool.call',
      tool: 'swarm',
      args: { task: params.task, budget: run.budget },
      outcome: `started (run ${run.id.slice(0, 8)})`,
      conversationId: params.conversationId,
    });
    const { providers, kernel, tools, gate, logger, bus } = this.options;
    const execution = new SwarmExecution(run, {
      store: this.store,
      bus,
      resolve: (model) => providers.resolve({ providerId: run.providerId, model }),
      ...(this.options.memory
        ? { briefing: async (query: string) => (await this.options.memory!.briefing(query)).text }
        : {}),
      models: async () =>
        (await providers.models({ id: run.providerId })).map((m) => m.id).filter((id) => !/embed/i.test(id)),
      ...(kernel ? { kernel } : {}),
      ...(tools ? { tools } : {}),
      ...(this.options.extraTools ? { extraTools: this.options.extraTools } : {}),
      ...(gate ? { gate } : {}),
      logger,
      agentSteps: this.options.agentSteps ?? 12,
      flushMs: this.options.flushMs ?? 100,
      ...(this.options.retry ? { retry: this.options.retry } : {}),
      ...(params.labId ? { labId: params.labId } : {}),
      // A simulated run stays on this machine: its one lab is here.
      ...(this.options.remoteWorkers && !params.labId
        ? { remote: this.options.remoteWorkers, localLoad: () => this.activeAgents() }
        : {}),
    });
    this.live.set(run.id, execution);
    bus.emit('swarm.updated', { run: structuredClone(run) });
    const completed = execution.done
      .then(async (ended) => {
        await this.options.audit.append({
          actor: 'swarm',
          kind: 'tool.result',
          tool: 'swarm',
          args: null,
          outcome: `${ended.status} (run ${ended.id.slice(0, 8)})${ended.error ? `: ${ended.error.message}` : ''}`,
          conversationId: ended.conversationId,
        });
        if (params.hostOwned) await this.finishHostMessage(execution);
      })
      .catch((err: unknown) => logger.warn('swarm end could not be recorded', err))
      .finally(() => {
        this.live.delete(run.id);
        this.completions.delete(run.id);
      });
    this.completions.set(run.id, completed);
    return execution;
  }

  /** The run's answer (or why it ended, with what finished) becomes its message in the conversation. */
  private async finishHostMessage(execution: SwarmExecution): Promise<void> {
    const { run } = execution;
    const { conversations, bus } = this.options;
    const content = hostContent(run, [...execution.agents.values()], execution.unreviewedDraft);
    const status = run.status === 'done' ? 'complete' : run.status === 'stopped' ? 'stopped' : 'error';
    const { inputTokens, outputTokens } = execution.totals();
    await conversations.updateReply(
      run.messageId,
      content,
      status,
      run.status === 'failed' ? run.error : null,
      {
        inputTokens,
        outputTokens,
        costUsd: run.usage.costUnknown ? null : run.usage.costUsd,
      },
    );
    await conversations.touch(run.conversationId);
    // The conversation is free before anyone hears the run ended.
    this.live.delete(run.id);
    bus.emit('message.updated', { message: await conversations.message(run.messageId) });
    bus.emit('conversation.updated', { conversation: await conversations.get(run.conversationId) });
  }

  private execution(runId: string): SwarmExecution {
    const e = this.live.get(runId);
    if (!e) throw new Cell0Error('NOT_FOUND', 'That swarm is not running.');
    return e;
  }

  async list(conversationId: string | undefined, limit = 100): Promise<SwarmRun[]> {
    const stored = await this.store.runs(conversationId, limit);
    // The live state is ahead of the last flush.
    return stored.map((r) => (this.live.has(r.id) ? structuredClone(this.live.get(r.id)!.run) : r));
  }

  async get(runId: string): Promise<{ run: SwarmRun; agents: SwarmAgent[] }> {
    const live = this.live.get(runId);
    if (live)
      return {
        run: structuredClone(live.run),
        agents: [...live.agents.values()].map((a) => structuredClone(a)),
      };
    return { run: await this.store.run(runId), agents: await this.store.agents(runId) };
  }

  async events(
    runId: string,
    afterSeq = 0,
    limit = 5_000,
  ): Promise<{ events: SwarmEvent[]; hasMore: boolean }> {
    await this.store.run(runId);
    // Events of a live run are written in batches: flush first, so a replay sees all of them.
    await this.live.get(runId)?.flush();
    const events = await this.store.events(runId, afterSeq, limit + 1);
    return { events: events.slice(0, limit), hasMore: events.length > limit };
  }

  async stopRun(runId: string): Promise<boolean> {
    const e = this.live.get(runId);
    if (!e) {
      await this.store.run(runId);
      return false;
    }
    e.stop();
    await this.options.audit.append({
      actor: 'owner',
      kind: 'agent.stop',
      tool: 'swarm',
      args: null,
      outcome: `stopped by the owner (run ${runId.slice(0, 8)})`,
      conversationId: e.run.conversationId,
    });
    await this.completions.get(runId);
    return true;
  }

  async stopAgent(runId: string, agentId: string): Promise<boolean> {
    const e = this.execution(runId);
    if (!e.agents.has(agentId)) throw new Cell0Error('NOT_FOUND', 'That agent is not part of this swarm.');
    const stopped = e.stopAgent(agentId);
    if (stopped) {
      await this.options.audit.append({
        actor: 'owner',
        kind: 'agent.stop',
        tool: 'swarm',
        args: { agentId },
        outcome: `agent stopped: ${e.agents.get(agentId)!.title} (run ${runId.slice(0, 8)})`,
        conversationId: e.run.conversationId,
      });
    }
    return stopped;
  }

  /** Stops the runs going in a conversation (its Stop button while a swarm's message streams). */
  async stopInConversation(conversationId: string): Promise<boolean> {
    const runs = [...this.live.values()].filter((e) => e.run.conversationId === conversationId);
    const stopped = await Promise.all(runs.map((e) => this.stopRun(e.run.id)));
    return stopped.some(Boolean);
  }

  /** Stops every live run (the "stop all agents" control). */
  async stopAll(): Promise<number> {
    const running = [...this.live.values()];
    for (const e of running) e.stop();
    await Promise.allSettled([...this.completions.values()]);
    return running.length;
  }

  pause(runId: string): SwarmRun {
    const e = this.execution(runId);
    e.pause();
    return structuredClone(e.run);
  }

  resume(runId: string): SwarmRun {
    const e = this.execution(runId);
    e.resume();
    return structuredClone(e.run);
  }

  pendingProposals(conversationId?: string): SwarmProposal[] {
    return this.proposals.pending(conversationId);
  }

  respond(proposalId: string, accept: boolean): Promise<SwarmRun | null> {
    return this.proposals.respond(proposalId, accept);
  }

  tools(ctx: { conversationId: string; messageId: string; signal: AbortSignal }): ToolSet {
    return this.proposals.tools(ctx);
  }

  /** An accepted proposal runs inside the reply that proposed it, on that conversation's model. */
  private async launchProposal(proposal: SwarmProposal): Promise<SwarmRun> {
    const conversation = await this.options.conversations.get(proposal.conversationId);
    const resolved = await this.options.providers.resolve(conversation.modelRef);
    const execution = await this.launch({
      conversationId: proposal.conversationId,
      messageId: proposal.messageId,
      task: proposal.task,
      modelRef: { providerId: resolved.provider.id, model: resolved.model },
      budget: undefined,
      hostOwned: false,
    });
    return structuredClone(execution.run);
  }
}
