import type { StepUsage, TurnMeter } from '../agents/agent-turn.js';
import type { SwarmAgent, SwarmRun } from '../protocol/swarm-entities.js';
import type { RunRecorder } from './swarm-recorder.js';

/**
 * What a swarm may spend in all, counted across its agents: each agent's turns report through a
 * meter like a chat reply's, and the first budget spent stops the whole run with its reason.
 */
export class RunBudget {
  private inputTokens = 0;
  private outputTokens = 0;

  constructor(
    private readonly run: SwarmRun,
    private readonly recorder: RunRecorder,
    /** Ends the run with BUDGET_EXHAUSTED and the reason. */
    private readonly overBudget: (reason: string) => void,
  ) {}

  /** Spawning counts against the agent budget (retries and the reviewer included). */
  countAgent(): void {
    this.run.usage.agents++;
    this.recorder.runTotalsChanged();
    if (this.run.usage.agents > this.run.budget.maxAgents) {
      this.overBudget(`Stopped: the swarm used its budget of ${this.run.budget.maxAgents} agents.`);
    }
  }

  /** Whether another agent may be spawned without going over. */
  hasRoomForAgent(): boolean {
    return this.run.usage.agents < this.run.budget.maxAgents;
  }

  meterFor(agent: SwarmAgent): TurnMeter {
    return {
      toolCall: () => this.toolCall(agent),
      step: (usage) => this.step(agent, usage),
    };
  }

  /** Token totals for the host message's usage line. */
  totals(): { inputTokens: number; outputTokens: number } {
    return { inputTokens: this.inputTokens, outputTokens: this.outputTokens };
  }

  private toolCall(agent: SwarmAgent): string | null {
    agent.toolCalls++;
    this.run.usage.toolCalls++;
    this.recorder.publishUsage(agent);
    if (this.run.usage.toolCalls <= this.run.budget.toolCalls) return null;
    return this.spent(`Stopped: the swarm used its budget of ${this.run.budget.toolCalls} tool calls.`);
  }

  private step(agent: SwarmAgent, usage: StepUsage): string | null {
    this.inputTokens += usage.inputTokens;
    this.outputTokens += usage.outputTokens;
    agent.tokens += usage.totalTokens;
    this.run.usage.tokens += usage.totalTokens;
    // An unpriced model's spending cannot be counted: the run says its cost budget is not enforced.
    if (usage.costUsd === null) this.run.usage.costUnknown = true;
    else {
      agent.costUsd += usage.costUsd;
      this.run.usage.costUsd += usage.costUsd;
    }
    this.recorder.publishUsage(agent);
    const { budget } = this.run;
    if (this.run.usage.tokens > budget.tokens) {
      return this.spent(
        `Stopped: the swarm used its budget of ${budget.tokens.toLocaleString('en')} tokens.`,
      );
    }
    if (budget.costUsd > 0 && this.run.usage.costUsd > budget.costUsd) {
      return this.spent(`Stopped: the swarm used its budget of $${budget.costUsd.toFixed(2)}.`);
    }
    return null;
  }

  private spent(reason: string): string {
    this.overBudget(reason);
    return reason;
  }
}
