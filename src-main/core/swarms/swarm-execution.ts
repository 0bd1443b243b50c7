import { randomUUID } from 'node:crypto';
import { stepCountIs, streamText, type ToolSet } from 'ai';
import type { PauseGate } from '../base/pause-gate.js';
import { PauseGate as RunGate } from '../base/pause-gate.js';
import { costOf } from '../agents/pricing.js';
import { toProviderError } from '../agents/provider-errors.js';
import { languageModel } from '../agents/provider-kinds.js';
import type { ResolvedModel } from '../agents/provider-registry.js';
import type { EventBus } from '../base/event-bus.js';
import type { Kernel } from '../kernel/kernel.js';
import { kernelTools } from '../kernel/tools/tool-set.js';
import type { Logger } from '../base/logger.js';
import type { EventFrame } from '../protocol/frames.js';
import type { EventPayload } from '../protocol/events.js';
import { Cell0Error, type ErrorShape } from '../protocol/errors.js';
import { TOOL_NAMES, type ToolName } from '../protocol/kernel-entities.js';
import type {
  SwarmAgent,
  SwarmAgentRole,
  SwarmAgentStatus,
  SwarmEvent,
  SwarmMessageKind,
  SwarmRun,
  SwarmRunStatus,
} from '../protocol/swarm-entities.js';
import { PlanError, parsePlan, parseReview, type Subtask } from './plan.js';
import * as prompts from './prompts.js';
import type { SwarmStore } from './swarm-store.js';

export interface ExecutionDeps {
  store: SwarmStore;
  bus: EventBus;
  /** Resolves a model of the run's provider (its endpoint and key). */
  resolve: (model: string) => Promise<ResolvedModel>;
  /** The chat models the run's provider lists (workers may be given one of them); [] if unknown. */
  models: () => Promise<string[]>;
  /** What the owner's memories say that bears on a task ('' when nothing, or no memory service). */
  briefing?: (query: string) => Promise<string>;
  kernel?: Kernel;
  /** Tools offered without the kernel (tests): their calls only surface as events. */
  tools?: ToolSet;
  /** "Pause all agents". */
  gate?: PauseGate;
  logger: Logger;
  /** Model steps one agent may take in one turn (each tool round trip is a step). */
  agentSteps: number;
  /** How often batched text and state are written and sent (ms). */
  flushMs: number;
}

/** Distributes the event-type-specific fields over the union, so each event keeps its own shape. */
type EventBody = SwarmEvent extends infer E
  ? E extends SwarmEvent
    ? Omit<E, 'runId' | 'seq' | 'at'>
    : never
  : never;

interface Worker {
  subtask: Subtask;
  agent: SwarmAgent;
  deps: Worker[];
  result: string | null;
  finished: boolean;
}

const FINAL_TOOL_STATES = new Set(['done', 'failed', 'denied', 'limit', 'cancelled']);
const MAX_RESULT_CHARS = 12_000;
const MESSAGE_EXCERPT_CHARS = 2_000;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * One swarm run, from plan to final answer: a coordinator plans, workers run the subtasks as
 * their dependencies allow (up to the concurrency limit), a reviewer checks the merged answer.
 * Every change is an event, sent at once and stored in batches.
 */
export class SwarmExecution {
  readonly agents = new Map<string, SwarmAgent>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly stoppedByOwner = new Set<string>();
  private readonly runController = new AbortController();
  private readonly pauseGate = new RunGate();
  private statusBeforePause: SwarmRunStatus = 'running';
  private seq: number;
  private pending: SwarmEvent[] = [];
  private readonly dirty = new Set<string>();
  private readonly textBuffers = new Map<string, string>();
  private readonly toolOwners = new Map<string, string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private runChanged = false;
  /** Totals changed since clients last heard of the run (a status change announces itself at once). */
  private runUnannounced = false;
  private inputTokens = 0;
  private outputTokens = 0;
  private unsubscribe: (() => void) | null = null;
  readonly done: Promise<SwarmRun>;

  constructor(
    readonly run: SwarmRun,
    private readonly deps: ExecutionDeps,
    lastSeq = 0,
  ) {
    this.seq = lastSeq;
    this.done = this.execute();
  }

  get paused(): boolean {
    return this.pauseGate.paused;
  }

  /** Agents whose model or tools are at work now. */
  activeAgents(): number {
    let n = 0;
    for (const a of this.agents.values()) if (['thinking', 'tool', 'permission'].includes(a.status)) n++;
    return n;
  }

  stop(): void {
    if (!this.runController.signal.aborted) this.runController.abort('stopped');
  }

  /** Stops one agent. Stopping the coordinator stops the run; a stopped worker is not retried. */
  stopAgent(agentId: string): boolean {
    const agent = this.agents.get(agentId);
    if (!agent || ['done', 'failed', 'stopped'].includes(agent.status)) return false;
    if (agent.role === 'coordinator') {
      this.stop();
      return true;
    }
    this.stoppedByOwner.add(agentId);
    this.controllers.get(agentId)?.abort('stopped');
    // A worker still waiting for its inputs ends now; it will never start.
    if (agent.status === 'waiting' && !this.controllers.has(agentId)) this.setAgentStatus(agent, 'stopped');
    return true;
  }

  pause(): void {
    if (this.pauseGate.paused || this.ended) return;
    this.pauseGate.pause();
    this.statusBeforePause = this.run.status;
    this.setRunStatus('paused');
  }

  resume(): void {
    if (!this.pauseGate.paused) return;
    this.pauseGate.resume();
    if (!this.ended) this.setRunStatus(this.statusBeforePause);
  }

  private get ended(): boolean {
    return ['done', 'failed', 'stopped'].includes(this.run.status);
  }

  // ---------------------------------------------------------------- the run

  private async execute(): Promise<SwarmRun> {
    // Let the caller return the run before the first event goes out.
    await Promise.resolve();
    this.unsubscribe = this.deps.bus.subscribe((frame) => this.onBusEvent(frame));
    const wall = setTimeout(
      () =>
        this.overBudget(
          `Stopped: the swarm used its ${Math.round(this.run.budget.wallTimeMs / 60_000)} minutes of time.`,
        ),
      this.run.budget.wallTimeMs,
    );
    let error: ErrorShape | null = null;
    let status: SwarmRunStatus = 'done';
    try {
      this.emit({ type: 'run.status', status: 'planning', error: null });
      const coordinator = this.spawn({
        role: 'coordinator',
        title: 'Coordinator',
        instructions: this.run.task,
        subtaskId: null,
        dependsOn: [],
        parentId: null,
      });
      this.message(null, coordinator.id, 'task', this.run.task);
      const subtasks = await this.plan(coordinator);
      this.emit({
        type: 'run.planned',
        subtasks: subtasks.map((s) => ({ id: s.id, title: s.title, dependsOn: s.dependsOn })),
      });
      this.setRunStatus('running');
      this.setAgentStatus(coordinator, 'waiting');
      const workers = this.spawnWorkers(coordinator, subtasks);
      await this.runWorkers(coordinator, workers);
      this.setRunStatus('reviewing');
      const results = workers.map((w) => ({
        title: w.subtask.title,
        result:
          w.result ??
          `(this subtask ${w.agent.status === 'stopped' ? 'was stopped' : 'failed'}: ${w.agent.error?.message ?? 'no result'})`,
      }));
      const answer = await this.mergeAndReview(coordinator, results);
      this.run.finalAnswer = answer;
      this.emit({ type: 'run.final', text: answer });
    } catch (err) {
      const reason: unknown = this.runController.signal.reason;
      if (reason instanceof Cell0Error) {
        status = 'failed';
        error = reason.toShape();
      } else if (reason === 'stopped') {
        status = 'stopped';
      } else {
        status = 'failed';
        error =
          err instanceof PlanError
            ? {
                code: 'AGENT_FAILED',
                message: `The coordinator could not make a usable plan: ${err.message}`,
              }
            : toProviderError(err, { baseUrl: '', secret: null, streamed: false }).toShape();
      }
      this.runController.abort('ended');
    } finally {
      clearTimeout(wall);
    }
    for (const agent of this.agents.values()) {
      if (!['done', 'failed', 'stopped'].includes(agent.status)) {
        this.setAgentStatus(agent, status === 'done' ? 'done' : 'stopped');
      }
    }
    this.pauseGate.resume();
    this.run.error = error;
    this.run.endedAt = Date.now();
    this.setRunStatus(status, error);
    this.unsubscribe?.();
    await this.flush();
    return this.run;
  }

  /** Asks the coordinator for a plan; one more try with the problem explained if it is unusable. */
  private async plan(coordinator: SwarmAgent): Promise<Subtask[]> {
    const maxSubtasks = Math.max(1, this.run.budget.maxAgents - 2);
    const toolNames = this.availableTools();
    const listed = await this.deps.models().catch(() => []);
    // The run's own model first, then the other chat models the provider lists.
    const models =
      listed.length > 0 ? [this.run.model, ...listed.filter((m) => m !== this.run.model)].slice(0, 30) : [];
    const briefing = await this.briefing(this.run.task);
    let problem: string | null = null;
    for (let attempt = 1; ; attempt++) {
      const text = await this.runAgent(
        coordinator,
        prompts.plannerSystem(maxSubtasks, toolNames, models),
        prompts.plannerPrompt(this.run.task, problem, briefing),
        undefined,
      );
      try {
        return parsePlan(text, maxSubtasks, models);
      } catch (err) {
        if (!(err instanceof PlanError) || attempt >= 2) throw err;
        problem = err.message;
        this.appendOutput(coordinator, `\n\n[plan rejected: ${problem}]\n\n`);
      }
    }
  }

  private spawnWorkers(coordinator: SwarmAgent, subtasks: Subtask[]): Worker[] {
    const bySubtask = new Map<string, Worker>();
    const workers: Worker[] = [];
    for (const subtask of subtasks) {
      const deps = subtask.dependsOn.map((id) => bySubtask.get(id)!);
      const agent = this.spawn({
        role: 'worker',
        title: subtask.title,
        instructions: `${subtask.role}: ${subtask.instructions}`,
        subtaskId: subtask.id,
        dependsOn: deps.map((d) => d.agent.id),
        parentId: coordinator.id,
        model: subtask.model ?? this.run.model,
      });
      const worker: Worker = { subtask, agent, deps, result: null, finished: false };
      bySubtask.set(subtask.id, worker);
      workers.push(worker);
    }
    return workers;
  }

  /** Starts every worker whose inputs are ready, up to the concurrency limit, until all have ended. */
  private async runWorkers(coordinator: SwarmAgent, workers: Worker[]): Promise<void> {
    const waiting = [...workers];
    const running = new Set<Promise<void>>();
    for (;;) {
      this.throwIfEnded();
      for (const w of [...waiting]) {
        if (running.size >= this.run.budget.concurrency) break;
        if (this.stoppedByOwner.has(w.agent.id)) {
          waiting.splice(waiting.indexOf(w), 1);
          w.finished = true;
          continue;
        }
        if (!w.deps.every((d) => d.finished)) continue;
        waiting.splice(waiting.indexOf(w), 1);
        const p: Promise<void> = this.runWorker(coordinator, w).finally(() => running.delete(p));
        running.add(p);
      }
      if (running.size === 0) break;
      await Promise.race(running);
    }
    this.throwIfEnded();
  }

  /** One worker: tried twice at most; a failure that is not the run's end leaves it failed, and the run goes on. */
  private async runWorker(coordinator: SwarmAgent, w: Worker): Promise<void> {
    const { agent, subtask } = w;
    const inputs = w.deps.map((d) => ({
      title: d.subtask.title,
      result: d.result ?? `(not available: that subtask ${d.agent.status})`,
    }));
    this.message(coordinator.id, agent.id, 'delegate', subtask.instructions);
    const briefing = await this.briefing(`${subtask.title}\n${subtask.instructions}`);
    for (const d of w.deps) {
      if (d.result !== null)
        this.message(d.agent.id, agent.id, 'result', clip(d.result, MESSAGE_EXCERPT_CHARS));
    }
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const text = await this.runAgent(
            agent,
            prompts.workerSystem(subtask),
            prompts.workerPrompt(this.run.task, subtask, inputs, briefing),
            (signal) => this.toolsFor(agent, subtask.tools, signal),
          );
          w.result = clip(text.trim() || '(no text)', MAX_RESULT_CHARS);
          this.setAgentStatus(agent, 'done');
          this.message(agent.id, coordinator.id, 'result', clip(w.result, MESSAGE_EXCERPT_CHARS));
          return;
        } catch (err) {
          this.throwIfEnded();
          if (this.stoppedByOwner.has(agent.id)) {
            this.setAgentStatus(agent, 'stopped');
            return;
          }
          const shape = toProviderError(err, { baseUrl: '', secret: null, streamed: false }).toShape();
          const canRetry = attempt < 2 && this.run.usage.agents < this.run.budget.maxAgents;
          if (!canRetry) {
            this.setAgentStatus(agent, 'failed', shape);
            return;
          }
          this.deps.logger.warn(`swarm worker ${agent.id} failed; retrying once`, err);
          this.setAgentStatus(agent, 'retrying', shape);
          agent.attempt = attempt + 1;
          agent.output = '';
          // A model the provider refuses gets no second chance: the retry runs on the run's model.
          if (shape.code === 'PROVIDER_MODEL_NOT_FOUND') agent.model = this.run.model;
          this.countAgent();
        }
      }
    } finally {
      w.finished = true;
    }
  }

  /** The coordinator merges the results, the reviewer checks the draft, and one revision follows a "no". */
  private async mergeAndReview(
    coordinator: SwarmAgent,
    results: { title: string; result: string }[],
  ): Promise<string> {
    this.appendOutput(coordinator, '\n\n');
    let draft = await this.runAgent(
      coordinator,
      prompts.mergeSystem(),
      prompts.mergePrompt(this.run.task, results, null),
      undefined,
    );
    if (this.run.usage.agents < this.run.budget.maxAgents) {
      const reviewer = this.spawn({
        role: 'reviewer',
        title: 'Reviewer',
        instructions: 'Check the draft answer against the task and the results.',
        subtaskId: null,
        dependsOn: [coordinator.id],
        parentId: coordinator.id,
      });
      this.message(coordinator.id, reviewer.id, 'review', clip(draft, MESSAGE_EXCERPT_CHARS));
      this.setAgentStatus(coordinator, 'waiting');
      try {
        const verdict = parseReview(
          await this.runAgent(
            reviewer,
            prompts.reviewerSystem(),
            prompts.reviewerPrompt(this.run.task, results, draft),
            undefined,
          ),
        );
        this.setAgentStatus(reviewer, 'done');
        if (!verdict.approved) {
          this.message(reviewer.id, coordinator.id, 'revise', verdict.notes);
          this.appendOutput(coordinator, '\n\n');
          draft = await this.runAgent(
            coordinator,
            prompts.mergeSystem(),
            prompts.mergePrompt(this.run.task, results, { draft, notes: verdict.notes }),
            undefined,
          );
        } else {
          this.message(reviewer.id, coordinator.id, 'review', verdict.notes || 'Approved.');
        }
      } catch (err) {
        this.throwIfEnded();
        // A reviewer that fails or is stopped leaves the draft as it is.
        const stopped = this.stoppedByOwner.has(reviewer.id);
        this.setAgentStatus(
          reviewer,
          stopped ? 'stopped' : 'failed',
          stopped ? null : toProviderError(err, { baseUrl: '', secret: null, streamed: false }).toShape(),
        );
      }
    }
    this.setAgentStatus(coordinator, 'done');
    this.message(coordinator.id, null, 'final', clip(draft, MESSAGE_EXCERPT_CHARS));
    return draft.trim();
  }

  // ---------------------------------------------------------------- one agent's turn

  private async runAgent(
    agent: SwarmAgent,
    system: string,
    prompt: string,
    /** The agent's tools, bound to its turn: stopping the agent cancels its pending calls and permission requests. */
    toolsOf: ((signal: AbortSignal) => ToolSet | undefined) | undefined,
  ): Promise<string> {
    const controller = new AbortController();
    this.controllers.set(agent.id, controller);
    const signal = AbortSignal.any([this.runController.signal, controller.signal]);
    try {
      await this.pauseGate.wait(signal);
      await this.deps.gate?.wait(signal);
      this.throwIfAborted(signal);
      this.setAgentStatus(agent, 'thinking');
      agent.startedAt ??= Date.now();
      const resolved = await this.deps.resolve(agent.model);
      const tools = toolsOf?.(signal);
      let text = '';
      const result = streamText({
        model: languageModel(resolved.endpoint, resolved.model),
        system,
        messages: [{ role: 'user', content: prompt }],
        abortSignal: signal,
        maxRetries: 0,
        ...(tools ? { tools, stopWhen: stepCountIs(this.deps.agentSteps) } : {}),
        onStepFinish: (step) => this.countUsage(agent, resolved, step.usage),
        onError: () => undefined,
      });
      for await (const part of result.fullStream) {
        if (part.type === 'text-delta' && part.text) {
          text += part.text;
          this.appendOutput(agent, part.text);
        } else if (part.type === 'tool-call') {
          this.emit({
            type: 'agent.toolCall',
            agentId: agent.id,
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            input: part.input,
          });
        } else if (part.type === 'error') {
          throw toProviderError(part.error, {
            baseUrl: resolved.endpoint.baseUrl,
            secret: resolved.endpoint.apiKey,
            streamed: text.length > 0,
          });
        }
      }
      this.throwIfAborted(signal);
      return text;
    } catch (err) {
      this.throwIfAborted(signal);
      throw err;
    } finally {
      if (this.controllers.get(agent.id) === controller) this.controllers.delete(agent.id);
    }
  }

  /** The kernel's tools this worker was given, each call counted against the run's budget and shown on its node. */
  private toolsFor(agent: SwarmAgent, names: readonly ToolName[], signal: AbortSignal): ToolSet | undefined {
    let base: ToolSet;
    if (this.deps.tools) base = this.deps.tools;
    else if (this.deps.kernel) {
      base = kernelTools(this.deps.kernel, {
        conversationId: this.run.conversationId,
        messageId: this.run.messageId,
        signal,
        beforeCall: () => undefined,
      });
    } else return undefined;
    const allowed = new Set<string>(names);
    const tools: ToolSet = {};
    for (const [name, t] of Object.entries(base)) {
      if (this.deps.kernel && !allowed.has(name)) continue;
      const execute = t.execute;
      tools[name] = {
        ...t,
        ...(execute && {
          execute: async (input: unknown, options: Parameters<typeof execute>[1]) => {
            this.countToolCall(agent);
            this.toolOwners.set(options.toolCallId, agent.id);
            this.setAgentStatus(agent, 'tool');
            try {
              return (await execute(input, options)) as unknown;
            } finally {
              if (!this.ended && agent.status !== 'stopped') this.setAgentStatus(agent, 'thinking');
            }
          },
        }),
      } as typeof t;
    }
    return Object.keys(tools).length > 0 ? tools : undefined;
  }

  /** The owner's memories for a task; a failing memory service leaves the agents without them, not stuck. */
  private async briefing(query: string): Promise<string> {
    if (!this.deps.briefing) return '';
    try {
      return await this.deps.briefing(query);
    } catch (err) {
      this.deps.logger.warn('swarm: memory briefing failed; going on without it', err);
      return '';
    }
  }

  private availableTools(): readonly string[] {
    if (this.deps.kernel) return TOOL_NAMES;
    return this.deps.tools ? Object.keys(this.deps.tools) : [];
  }

  /** Maps the kernel's tool and permission events onto the agent that made the call. */
  private onBusEvent(frame: EventFrame): void {
    if (frame.event === 'tool.updated') {
      const { toolCall } = frame.payload as EventPayload<'tool.updated'>;
      const agent = this.agents.get(this.toolOwners.get(toolCall.id) ?? '');
      if (!agent) return;
      if (FINAL_TOOL_STATES.has(toolCall.status)) {
        this.toolOwners.delete(toolCall.id);
        this.emit({
          type: 'agent.toolResult',
          agentId: agent.id,
          toolCallId: toolCall.id,
          status: toolCall.status,
        });
      } else if (toolCall.status === 'running' && agent.status === 'permission') {
        this.setAgentStatus(agent, 'tool');
      }
    } else if (frame.event === 'permission.requested') {
      const { request } = frame.payload as EventPayload<'permission.requested'>;
      const agent = this.agents.get(this.toolOwners.get(request.toolCallId) ?? '');
      if (!agent || request.messageId !== this.run.messageId) return;
      this.emit({
        type: 'agent.permission',
        agentId: agent.id,
        requestId: request.id,
        toolCallId: request.toolCallId,
        display: request.display,
      });
      this.setAgentStatus(agent, 'permission');
    }
  }

  // ---------------------------------------------------------------- budgets

  private countAgent(): void {
    this.run.usage.agents++;
    this.runChanged = true;
    this.runUnannounced = true;
    if (this.run.usage.agents > this.run.budget.maxAgents) {
      this.overBudget(`Stopped: the swarm used its budget of ${this.run.budget.maxAgents} agents.`);
    }
  }

  private countToolCall(agent: SwarmAgent): void {
    agent.toolCalls++;
    this.run.usage.toolCalls++;
    this.publishUsage(agent);
    if (this.run.usage.toolCalls > this.run.budget.toolCalls) {
      const message = `Stopped: the swarm used its budget of ${this.run.budget.toolCalls} tool calls.`;
      this.overBudget(message);
      throw new Cell0Error('BUDGET_EXHAUSTED', message);
    }
  }

  private countUsage(
    agent: SwarmAgent,
    resolved: ResolvedModel,
    usage: {
      inputTokens?: number | undefined;
      outputTokens?: number | undefined;
      totalTokens?: number | undefined;
    },
  ): void {
    const input = usage.inputTokens ?? 0;
    const output = usage.outputTokens ?? 0;
    const tokens = usage.totalTokens ?? input + output;
    const cost = costOf(resolved.model, resolved.local, input, output) ?? 0;
    this.inputTokens += input;
    this.outputTokens += output;
    agent.tokens += tokens;
    agent.costUsd += cost;
    this.run.usage.tokens += tokens;
    this.run.usage.costUsd += cost;
    this.publishUsage(agent);
    const { budget } = this.run;
    if (this.run.usage.tokens > budget.tokens) {
      this.overBudget(`Stopped: the swarm used its budget of ${budget.tokens.toLocaleString('en')} tokens.`);
    } else if (budget.costUsd > 0 && this.run.usage.costUsd > budget.costUsd) {
      this.overBudget(`Stopped: the swarm used its budget of $${budget.costUsd.toFixed(2)}.`);
    }
  }

  /** Token totals for the host message's usage line. */
  totals(): { inputTokens: number; outputTokens: number } {
    return { inputTokens: this.inputTokens, outputTokens: this.outputTokens };
  }

  private overBudget(message: string): void {
    if (!this.runController.signal.aborted)
      this.runController.abort(new Cell0Error('BUDGET_EXHAUSTED', message));
  }

  private throwIfEnded(): void {
    if (this.runController.signal.aborted) throw new Cell0Error('AGENT_FAILED', 'The swarm ended.');
  }

  private throwIfAborted(signal: AbortSignal): void {
    if (signal.aborted) throw new Cell0Error('AGENT_FAILED', 'Stopped.');
  }

  // ---------------------------------------------------------------- state and events

  private spawn(spec: {
    role: SwarmAgentRole;
    title: string;
    instructions: string;
    subtaskId: string | null;
    dependsOn: string[];
    parentId: string | null;
    model?: string;
  }): SwarmAgent {
    const agent: SwarmAgent = {
      id: randomUUID(),
      runId: this.run.id,
      ...spec,
      providerId: this.run.providerId,
      model: spec.model ?? this.run.model,
      status: 'waiting',
      attempt: 1,
      tokens: 0,
      costUsd: 0,
      toolCalls: 0,
      output: '',
      error: null,
      createdAt: Date.now(),
      startedAt: null,
      endedAt: null,
    };
    this.agents.set(agent.id, agent);
    this.dirty.add(agent.id);
    this.emit({ type: 'agent.spawned', agent: { ...agent, dependsOn: [...agent.dependsOn] } });
    this.countAgent();
    return agent;
  }

  private setAgentStatus(agent: SwarmAgent, status: SwarmAgentStatus, error: ErrorShape | null = null): void {
    if (agent.status === status && error === null) return;
    this.flushText(agent.id);
    agent.status = status;
    if (error) agent.error = error;
    if (['done', 'failed', 'stopped'].includes(status)) agent.endedAt = Date.now();
    this.dirty.add(agent.id);
    this.emit({ type: 'agent.status', agentId: agent.id, status, error });
  }

  private setRunStatus(status: SwarmRunStatus, error: ErrorShape | null = null): void {
    if (this.run.status === status) return;
    this.run.status = status;
    this.runChanged = true;
    this.runUnannounced = false;
    this.emit({ type: 'run.status', status, error });
    this.deps.bus.emit('swarm.updated', { run: structuredClone(this.run) });
  }

  private message(from: string | null, to: string | null, kind: SwarmMessageKind, text: string): void {
    this.emit({ type: 'agent.message', from, to, kind, text });
  }

  private appendOutput(agent: SwarmAgent, text: string): void {
    agent.output += text;
    this.dirty.add(agent.id);
    this.textBuffers.set(agent.id, (this.textBuffers.get(agent.id) ?? '') + text);
    this.scheduleFlush();
  }

  private publishUsage(agent: SwarmAgent): void {
    // The text these tokens counted goes out first, so a client's estimate of streamed text ends here.
    this.flushText(agent.id);
    this.dirty.add(agent.id);
    this.runChanged = true;
    this.runUnannounced = true;
    this.emit({
      type: 'agent.usage',
      agentId: agent.id,
      tokens: agent.tokens,
      costUsd: agent.costUsd,
      toolCalls: agent.toolCalls,
      run: { ...this.run.usage },
    });
  }

  private flushText(agentId: string): void {
    const text = this.textBuffers.get(agentId);
    if (!text) return;
    this.textBuffers.delete(agentId);
    this.emit({ type: 'agent.text', agentId, text });
  }

  private emit(body: EventBody): void {
    const event = { ...body, runId: this.run.id, seq: ++this.seq, at: Date.now() } as SwarmEvent;
    this.pending.push(event);
    this.deps.bus.emit('swarm.event', { event });
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      void this.flush().catch((err: unknown) => this.deps.logger.warn('swarm state could not be saved', err));
    }, this.deps.flushMs);
  }

  /** Sends batched text, then stores what changed (agents, events, the run) in one go. */
  flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    for (const agentId of [...this.textBuffers.keys()]) this.flushText(agentId);
    const agents = [...this.dirty].map((id) => structuredClone(this.agents.get(id)!));
    const events = this.pending;
    const runChanged = this.runChanged;
    const announce = this.runUnannounced;
    this.dirty.clear();
    this.pending = [];
    this.runChanged = false;
    this.runUnannounced = false;
    const run = structuredClone(this.run);
    // Announced now, in order with status changes (announced as they happen); a snapshot sent
    // after the write could arrive after a newer status and leave clients on the older one.
    if (announce) this.deps.bus.emit('swarm.updated', { run });
    this.flushing = this.flushing
      .catch(() => undefined)
      .then(() => this.deps.store.write(agents, events, runChanged ? run : null));
    return this.flushing;
  }
}
