import type { ToolSet } from 'ai';
import { runAgentTurn, type TurnGate } from '../agents/agent-turn.js';
import type { ResolvedModel } from '../agents/provider-registry.js';
import type { RetryPolicy } from '../agents/retry-policy.js';
import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import type { Kernel } from '../kernel/kernel.js';
import { kernelTools } from '../kernel/tools/tool-set.js';
import type { EventPayload } from '../protocol/events.js';
import type { EventFrame } from '../protocol/frames.js';
import { Cell0Error } from '../protocol/errors.js';
import type { ToolName } from '../protocol/kernel-entities.js';
import type { SwarmAgent, SwarmRun } from '../protocol/swarm-entities.js';
import type { RunBudget } from './swarm-budget.js';
import type { RemoteWorkers } from './swarm-placement.js';
import type { RunRecorder } from './swarm-recorder.js';
import { runRemoteTurn } from './swarm-remote-turn.js';

export interface AgentRunnerDeps {
  bus: EventBus;
  /** Resolves a model of the run's provider (its endpoint and key). */
  resolve: (model: string) => Promise<ResolvedModel>;
  kernel?: Kernel | undefined;
  /** Tools offered without the kernel (tests): their calls only surface as events. */
  tools?: ToolSet | undefined;
  /** More tools through the kernel (MCP servers), for workers given any tools at all. */
  extraTools?:
    ((ctx: { conversationId: string; messageId: string; signal: AbortSignal }) => ToolSet) | undefined;
  /** "Pause all agents". */
  gate?: TurnGate | undefined;
  /** "Simulate first": every agent's tool calls run in this one lab; hosted tools are left out. */
  labId?: string | undefined;
  logger: Logger;
  /** Model steps one agent may take in one turn (each tool round trip is a step). */
  agentSteps: number;
  retry?: Partial<RetryPolicy> | undefined;
  /** The owner's other instances, for workers placed there (the mesh's; absent without one). */
  remote?: RemoteWorkers | undefined;
}

const FINAL_TOOL_STATES = new Set(['done', 'failed', 'denied', 'limit', 'cancelled']);

/**
 * Runs the agents of one swarm, each turn through the one agent turn (the same retries, waits,
 * budgets and kernel as a chat reply), and maps the kernel's tool and permission events onto
 * the agent that made the call.
 */
export class AgentRunner {
  private readonly controllers = new Map<string, AbortController>();
  private readonly toolOwners = new Map<string, string>();

  constructor(
    private readonly run: SwarmRun,
    private readonly recorder: RunRecorder,
    private readonly budget: RunBudget,
    private readonly deps: AgentRunnerDeps,
    /** Ends with the run (stopped, over budget, or finished). */
    private readonly runSignal: AbortSignal,
    /** The run's own pause, before the global one. */
    private readonly runGate: TurnGate,
  ) {}

  /** Stops an agent's turn in progress; false when it has none. */
  abort(agentId: string): boolean {
    const controller = this.controllers.get(agentId);
    controller?.abort('stopped');
    return controller !== undefined;
  }

  isRunning(agentId: string): boolean {
    return this.controllers.has(agentId);
  }

  /**
   * One turn of an agent: its text streams to its node, its tools (if any) are bound to the turn,
   * so stopping the agent withdraws its pending calls and permission requests. Throws when the
   * turn does not complete.
   */
  async turn(
    agent: SwarmAgent,
    system: string,
    prompt: string,
    tools?: readonly ToolName[],
  ): Promise<string> {
    const controller = new AbortController();
    this.controllers.set(agent.id, controller);
    const signal = AbortSignal.any([this.runSignal, controller.signal]);
    try {
      if (agent.machine?.peerId && this.deps.remote) {
        return await runRemoteTurn({
          remote: this.deps.remote,
          run: this.run,
          agent,
          recorder: this.recorder,
          meter: this.budget.meterFor(agent),
          system,
          prompt,
          tools: tools ?? [],
          steps: this.deps.agentSteps,
          gates: [this.runGate, ...(this.deps.gate ? [this.deps.gate] : [])],
          signal,
        });
      }
      const resolved = await this.deps.resolve(agent.model);
      const result = await runAgentTurn({
        resolved,
        system,
        messages: [{ role: 'user', content: prompt }],
        ...(tools ? { tools: (turnSignal: AbortSignal) => this.toolsFor(agent, tools, turnSignal) } : {}),
        scope: `${agent.id}.${agent.attempt}`,
        signal,
        gates: [this.runGate, ...(this.deps.gate ? [this.deps.gate] : [])],
        steps: this.deps.agentSteps,
        meter: this.budget.meterFor(agent),
        ...(this.deps.retry ? { retry: this.deps.retry } : {}),
        logger: this.deps.logger,
        events: {
          modelCall: () => this.recorder.setAgentStatus(agent, 'thinking'),
          text: (text) => this.recorder.appendOutput(agent, text),
          toolCall: (call) => this.recorder.emit({ type: 'agent.toolCall', agentId: agent.id, ...call }),
          retrying: ({ attempt, maxAttempts, waitMs, error }) =>
            this.recorder.emit({
              type: 'agent.waiting',
              agentId: agent.id,
              attempt,
              maxAttempts,
              waitMs,
              error: error.toShape(),
            }),
        },
      });
      if (signal.aborted && result.status !== 'error') throw new Cell0Error('AGENT_FAILED', 'Stopped.');
      if (result.error) throw result.error;
      return result.text;
    } finally {
      if (this.controllers.get(agent.id) === controller) this.controllers.delete(agent.id);
    }
  }

  /** The kernel's tools this agent was given; each call shows on its node. */
  private toolsFor(agent: SwarmAgent, names: readonly ToolName[], signal: AbortSignal): ToolSet | undefined {
    let base: ToolSet;
    if (this.deps.tools) base = this.deps.tools;
    else if (this.deps.kernel) {
      base = kernelTools(this.deps.kernel, {
        conversationId: this.run.conversationId,
        messageId: this.run.messageId,
        signal,
        ...(this.deps.labId ? { labId: this.deps.labId } : {}),
      });
    } else return undefined;
    const extra =
      this.deps.kernel && this.deps.extraTools && names.length > 0 && !this.deps.labId
        ? this.deps.extraTools({
            conversationId: this.run.conversationId,
            messageId: this.run.messageId,
            signal,
          })
        : {};
    const allowed = new Set<string>(names);
    const tools: ToolSet = {};
    for (const [name, t] of Object.entries({ ...base, ...extra })) {
      if (this.deps.kernel && !allowed.has(name) && !(name in extra)) continue;
      const execute = t.execute;
      tools[name] = {
        ...t,
        ...(execute && {
          execute: async (input: unknown, options: Parameters<typeof execute>[1]) => {
            this.toolOwners.set(options.toolCallId, agent.id);
            this.recorder.setAgentStatus(agent, 'tool');
            try {
              return (await execute(input, options)) as unknown;
            } finally {
              if (!signal.aborted && agent.status !== 'stopped')
                this.recorder.setAgentStatus(agent, 'thinking');
            }
          },
        }),
      } as typeof t;
    }
    return Object.keys(tools).length > 0 ? tools : undefined;
  }

  /** Maps the kernel's tool and permission events onto the agent that made the call. */
  onBusEvent(frame: EventFrame): void {
    if (frame.event === 'tool.updated') {
      const { toolCall } = frame.payload as EventPayload<'tool.updated'>;
      const agent = this.recorder.agents.get(this.toolOwners.get(toolCall.id) ?? '');
      if (!agent) return;
      if (FINAL_TOOL_STATES.has(toolCall.status)) {
        this.toolOwners.delete(toolCall.id);
        this.recorder.emit({
          type: 'agent.toolResult',
          agentId: agent.id,
          toolCallId: toolCall.id,
          status: toolCall.status,
        });
      } else if (toolCall.status === 'running' && agent.status === 'permission') {
        this.recorder.setAgentStatus(agent, 'tool');
      }
    } else if (frame.event === 'permission.requested') {
      const { request } = frame.payload as EventPayload<'permission.requested'>;
      const agent = this.recorder.agents.get(this.toolOwners.get(request.toolCallId) ?? '');
      if (!agent || request.messageId !== this.run.messageId) return;
      this.recorder.emit({
        type: 'agent.permission',
        agentId: agent.id,
        requestId: request.id,
        toolCallId: request.toolCallId,
        display: request.display,
      });
      this.recorder.setAgentStatus(agent, 'permission');
    }
  }
}
