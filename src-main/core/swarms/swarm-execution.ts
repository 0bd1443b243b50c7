import { PauseGate } from '../base/pause-gate.js';
import { Cell0Error, type ErrorShape } from '../protocol/errors.js';
import { TOOL_NAMES } from '../protocol/kernel-entities.js';
import type { SwarmAgent, SwarmRun, SwarmRunStatus } from '../protocol/swarm-entities.js';
import { PlanError, parsePlan, type Subtask } from './plan.js';
import * as prompts from './prompts.js';
import { MESSAGE_EXCERPT_CHARS, clip, failureOf } from './swarm-text.js';
import { AgentRunner, type AgentRunnerDeps } from './swarm-agent-runner.js';
import { RunBudget } from './swarm-budget.js';
import { Placer } from './swarm-placement.js';
import { RunRecorder, agentEnded, type AgentSpec } from './swarm-recorder.js';
import { UnapprovedAnswer, mergeAndReview, type ReviewContext } from './swarm-review.js';
import type { SwarmStore } from './swarm-store.js';

export interface ExecutionDeps extends AgentRunnerDeps {
  store: SwarmStore;
  /** The chat models the run's provider lists (workers may be given one of them); [] if unknown. */
  models: () => Promise<string[]>;
  /** What the owner's memories say that bears on a task ('' when nothing, or no memory service). */
  briefing?: (query: string) => Promise<string>;
  /** How often batched text and state are written and sent (ms). */
  flushMs: number;
  /** Agents at work on this instance now, across runs (placement by load). */
  localLoad?: () => number;
}

interface Worker {
  subtask: Subtask;
  agent: SwarmAgent;
  deps: Worker[];
  result: string | null;
  finished: boolean;
}

const MAX_RESULT_CHARS = 12_000;

/**
 * One swarm run, from plan to final answer: a coordinator plans, workers run the subtasks as
 * their dependencies allow (up to the concurrency limit), a reviewer checks the merged answer.
 * Every agent's turn is the one agent turn; every change is an event (see RunRecorder).
 */
export class SwarmExecution {
  private readonly recorder: RunRecorder;
  private readonly budget: RunBudget;
  private readonly runner: AgentRunner;
  private readonly placer: Placer;
  private readonly stoppedByOwner = new Set<string>();
  private readonly runController = new AbortController();
  private readonly pauseGate = new PauseGate();
  private statusBeforePause: SwarmRunStatus = 'running';
  private unsubscribe: (() => void) | null = null;
  /** A merged answer the review did not approve (shown as such when the run fails closed). */
  unreviewedDraft: string | null = null;
  readonly done: Promise<SwarmRun>;

  constructor(
    readonly run: SwarmRun,
    private readonly deps: ExecutionDeps,
    lastSeq = 0,
  ) {
    this.recorder = new RunRecorder(run, deps, lastSeq);
    this.budget = new RunBudget(run, this.recorder, (reason) => this.overBudget(reason));
    this.runner = new AgentRunner(
      run,
      this.recorder,
      this.budget,
      deps,
      this.runController.signal,
      this.pauseGate,
    );
    this.placer = new Placer(run, this.recorder, deps.remote, deps.localLoad ?? (() => this.activeAgents()));
    this.done = this.execute();
  }

  get agents(): Map<string, SwarmAgent> {
    return this.recorder.agents;
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
    if (!agent || agentEnded(agent)) return false;
    if (agent.role === 'coordinator') {
      this.stop();
      return true;
    }
    this.stoppedByOwner.add(agentId);
    // A worker still waiting for its inputs ends now; it will never start.
    if (!this.runner.abort(agentId) && agent.status === 'waiting')
      this.recorder.setAgentStatus(agent, 'stopped');
    return true;
  }

  pause(): void {
    if (this.pauseGate.paused || this.ended) return;
    this.pauseGate.pause();
    this.statusBeforePause = this.run.status;
    this.recorder.setRunStatus('paused');
  }

  resume(): void {
    if (!this.pauseGate.paused) return;
    this.pauseGate.resume();
    if (!this.ended) this.recorder.setRunStatus(this.statusBeforePause);
  }

  /** Token totals for the host message's usage line. */
  totals(): { inputTokens: number; outputTokens: number } {
    return this.budget.totals();
  }

  flush(): Promise<void> {
    return this.recorder.flush();
  }

  private get ended(): boolean {
    return ['done', 'failed', 'stopped'].includes(this.run.status);
  }

  // ---------------------------------------------------------------- the run

  private async execute(): Promise<SwarmRun> {
    // Let the caller return the run before the first event goes out.
    await Promise.resolve();
    this.unsubscribe = this.deps.bus.subscribe((frame) => this.runner.onBusEvent(frame));
    const wall = setTimeout(
      () =>
        this.overBudget(
          `Stopped: the swarm used its ${Math.round(this.run.budget.wallTimeMs / 60_000)} minutes of time.`,
        ),
      this.run.budget.wallTimeMs,
    );
    let error: ErrorShape | null = null;
    let status: SwarmRunStatus = 'done';
    let coordinator: SwarmAgent | null = null;
    try {
      this.recorder.emit({ type: 'run.status', status: 'planning', error: null });
      coordinator = this.spawn({
        role: 'coordinator',
        title: 'Coordinator',
        instructions: this.run.task,
        subtaskId: null,
        dependsOn: [],
        parentId: null,
      });
      this.recorder.message(null, coordinator.id, 'task', this.run.task);
      const subtasks = await this.plan(coordinator);
      this.recorder.emit({
        type: 'run.planned',
        subtasks: subtasks.map((s) => ({ id: s.id, title: s.title, dependsOn: s.dependsOn })),
      });
      this.recorder.setRunStatus('running');
      this.recorder.setAgentStatus(coordinator, 'waiting');
      const workers = this.spawnWorkers(coordinator, subtasks);
      await this.runWorkers(coordinator, workers);
      this.recorder.setRunStatus('reviewing');
      const results = workers.map((w) => ({
        title: w.subtask.title,
        result:
          w.result ??
          `(this subtask ${w.agent.status === 'stopped' ? 'was stopped' : 'failed'}: ${w.agent.error?.message ?? 'no result'})`,
      }));
      const answer = await mergeAndReview(this.reviewContext(), coordinator, results);
      this.run.finalAnswer = answer;
      this.recorder.emit({ type: 'run.final', text: answer });
    } catch (err) {
      if (err instanceof UnapprovedAnswer) this.unreviewedDraft = err.draft;
      const reason: unknown = this.runController.signal.reason;
      if (reason instanceof Cell0Error) {
        status = 'failed';
        error = reason.toShape();
      } else if (reason === 'stopped') {
        status = 'stopped';
      } else {
        status = 'failed';
        if (err instanceof PlanError) {
          error = {
            code: 'AGENT_FAILED',
            message: `The coordinator could not make a usable plan: ${err.message}`,
          };
        } else {
          if (!(err instanceof Cell0Error)) this.deps.logger.error('swarm run failed', err);
          error = failureOf(err);
        }
      }
      this.runController.abort('ended');
    } finally {
      clearTimeout(wall);
    }
    this.endAgents(coordinator, status, error);
    this.pauseGate.resume();
    this.run.error = error;
    this.run.endedAt = Date.now();
    this.recorder.setRunStatus(status, error);
    this.unsubscribe?.();
    await this.recorder.flush();
    return this.run;
  }

  /**
   * Agents still going when the run ends are cut off ("stopped"); the coordinator, which holds the
   * run, ends as the run does — so a failed run never shows a coordinator that merely stopped.
   */
  private endAgents(coordinator: SwarmAgent | null, status: SwarmRunStatus, error: ErrorShape | null): void {
    for (const agent of this.agents.values()) {
      if (agentEnded(agent)) continue;
      if (agent === coordinator && status === 'failed') this.recorder.setAgentStatus(agent, 'failed', error);
      else this.recorder.setAgentStatus(agent, status === 'done' ? 'done' : 'stopped');
    }
  }

  private reviewContext(): ReviewContext {
    return {
      run: this.run,
      runner: this.runner,
      recorder: this.recorder,
      budget: this.budget,
      spawn: (spec) => this.spawn(spec),
      stoppedByOwner: this.stoppedByOwner,
      throwIfEnded: () => this.throwIfEnded(),
    };
  }

  private spawn(spec: AgentSpec): SwarmAgent {
    const machine = this.placer.initial();
    const agent = this.recorder.spawn(machine ? { ...spec, machine } : spec);
    this.budget.countAgent();
    return agent;
  }

  /** Asks the coordinator for a plan; one more try with the problem explained if it is unusable. */
  private async plan(coordinator: SwarmAgent): Promise<Subtask[]> {
    const maxSubtasks = Math.max(1, this.run.budget.maxAgents - 2);
    const toolNames = this.availableTools();
    const { models, machines, machineNames } = this.placer.choices(await this.deps.models().catch(() => []));
    const briefing = await this.briefing(this.run.task);
    let problem: string | null = null;
    for (let attempt = 1; ; attempt++) {
      const text = await this.runner.turn(
        coordinator,
        prompts.plannerSystem(maxSubtasks, toolNames, models, machines),
        prompts.plannerPrompt(this.run.task, problem, briefing),
      );
      try {
        return parsePlan(text, maxSubtasks, models, machineNames);
      } catch (err) {
        if (!(err instanceof PlanError) || attempt >= 2) throw err;
        problem = err.message;
        this.recorder.appendOutput(coordinator, `\n\n[plan rejected: ${problem}]\n\n`);
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
    this.recorder.message(coordinator.id, agent.id, 'delegate', subtask.instructions);
    const briefing = await this.briefing(`${subtask.title}\n${subtask.instructions}`);
    for (const d of w.deps) {
      if (d.result !== null)
        this.recorder.message(d.agent.id, agent.id, 'result', clip(d.result, MESSAGE_EXCERPT_CHARS));
    }
    try {
      this.placer.place(agent, subtask.machine);
      for (let attempt = 1; ; attempt++) {
        try {
          const text = await this.runner.turn(
            agent,
            prompts.workerSystem(subtask),
            prompts.workerPrompt(this.run.task, subtask, inputs, briefing),
            this.deps.kernel || this.deps.tools ? subtask.tools : undefined,
          );
          w.result = clip(text.trim() || '(no text)', MAX_RESULT_CHARS);
          this.recorder.setAgentStatus(agent, 'done');
          this.recorder.message(agent.id, coordinator.id, 'result', clip(w.result, MESSAGE_EXCERPT_CHARS));
          return;
        } catch (err) {
          this.throwIfEnded();
          if (this.stoppedByOwner.has(agent.id)) {
            this.recorder.setAgentStatus(agent, 'stopped');
            return;
          }
          // A peer that vanished or refused is not the worker's failure: it moves and starts again.
          if (this.placer.moved(agent, err, subtask.machine)) {
            this.recorder.resetOutput(agent);
            attempt--;
            continue;
          }
          const shape = failureOf(err);
          if (!(err instanceof Cell0Error)) this.deps.logger.error(`swarm worker ${agent.id} failed`, err);
          if (attempt >= 2 || !this.budget.hasRoomForAgent()) {
            this.recorder.setAgentStatus(agent, 'failed', shape);
            return;
          }
          this.deps.logger.warn(`swarm worker ${agent.id} failed (${shape.code}); retrying once`);
          this.recorder.setAgentStatus(agent, 'retrying', shape);
          agent.attempt = attempt + 1;
          this.recorder.resetOutput(agent);
          // A model the provider refuses gets no second chance: the retry runs on the run's model.
          if (shape.code === 'PROVIDER_MODEL_NOT_FOUND') agent.model = this.run.model;
          this.budget.countAgent();
        }
      }
    } finally {
      w.finished = true;
    }
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

  private overBudget(message: string): void {
    if (!this.runController.signal.aborted)
      this.runController.abort(new Cell0Error('BUDGET_EXHAUSTED', message));
  }

  private throwIfEnded(): void {
    if (this.runController.signal.aborted) throw new Cell0Error('AGENT_FAILED', 'The swarm ended.');
  }
}
