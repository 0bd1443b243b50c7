import type { ModelMessage, ToolSet } from 'ai';
import type { Logger } from '../base/logger.js';
import { Cell0Error } from '../protocol/errors.js';
import { costOf } from './pricing.js';
import type { ResolvedModel } from './provider-registry.js';
import { describeTurnError, isRetryable, retryAfterMs } from './provider-errors.js';
import { abortableSleep, retryWait, type RetryPolicy } from './retry-policy.js';

/** Tokens and cost of one model step, as the provider counted them. */
export interface StepUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** null when the model's price is unknown; 0 for a model on this machine. */
  costUsd: number | null;
}

/** What a whole turn used; null fields when the provider did not say. */
export interface TurnUsage {
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
}

/**
 * Where a turn's spending is counted: a chat reply's own budget, or a swarm's shared one. Each
 * answer is null to go on, or the reason the budget is spent ("Stopped: … 60 tool calls.").
 */
export interface TurnMeter {
  /** Before a tool call runs; a reason refuses the call and ends the turn. */
  toolCall?(): string | null;
  /** After each model step. */
  step?(usage: StepUsage): string | null;
}

/** What the turn reports as it goes (the entry point turns these into its own events). */
export interface TurnEvents {
  /** A model call is about to be made (after any pause): the agent is thinking. */
  modelCall?(): void;
  text?(delta: string): void;
  toolCall?(call: { toolCallId: string; toolName: string; input: unknown }): void;
  /** A refused attempt will be tried again after waitMs (a rate limit or an overloaded server). */
  retrying?(retry: { attempt: number; maxAttempts: number; waitMs: number; error: Cell0Error }): void;
}

/** Something that holds agents before their next model call ("pause all agents", a paused swarm). */
export interface TurnGate {
  wait(signal: AbortSignal): Promise<void>;
}

export interface AgentTurnSpec {
  resolved: ResolvedModel;
  system?: string | undefined;
  messages: ModelMessage[];
  /**
   * The turn's tools, built for its signal (which also ends when a budget is spent). Each call's
   * id reaches them scoped to this turn, so ids a provider repeats never collide.
   */
  tools?: ((signal: AbortSignal) => ToolSet | undefined) | undefined;
  /** Makes tool-call ids unique beyond the turn: a reply's or an agent attempt's id. */
  scope: string;
  /** The owner's Stop: the turn ends "stopped", keeping what it streamed. */
  signal: AbortSignal;
  gates?: TurnGate[];
  /** Model steps (each tool round trip is one). */
  steps: number;
  /** Wall time of the whole turn, waits included; none when the caller keeps its own clock. */
  wallTimeMs?: number | undefined;
  meter?: TurnMeter;
  events?: TurnEvents;
  retry?: Partial<RetryPolicy>;
  temperature?: number | undefined;
  maxOutputTokens?: number | undefined;
  /** Where a fault of Cell 0's own is logged (the owner and the model get a plain sentence). */
  logger?: Logger;
}

export interface TurnResult {
  text: string;
  status: 'complete' | 'stopped' | 'error';
  error: Cell0Error | null;
  usage: TurnUsage | null;
  toolCalls: number;
}

const DEFAULT_RETRY: RetryPolicy = { baseMs: 1000, maxAttempts: 4, maxWaitMs: 60_000 };

/** One attempt's end: the error the provider gave, if any, and what it counted. */
interface AttemptEnd {
  error: Cell0Error | null;
  raw: unknown;
}

/**
 * The one agent turn every entry point runs (chat replies, swarm agents, and whatever else asks
 * an agent something): streams the model's reply, lets it call its tools (which go through the
 * kernel), waits out rate limits as the provider asks, counts steps, tokens, tool calls and time
 * against the caller's budget, and stops on request.
 */
export async function runAgentTurn(spec: AgentTurnSpec): Promise<TurnResult> {
  const retry = { ...DEFAULT_RETRY, ...spec.retry };
  const budget = new AbortController();
  const overBudget = (reason: string) => {
    if (!budget.signal.aborted) budget.abort(new Cell0Error('BUDGET_EXHAUSTED', reason));
  };
  const wall =
    spec.wallTimeMs === undefined
      ? null
      : setTimeout(
          () =>
            overBudget(
              `Stopped: this reply used its ${Math.round(spec.wallTimeMs! / 60_000)} minutes of time.`,
            ),
          spec.wallTimeMs,
        );
  const signal = AbortSignal.any([spec.signal, budget.signal]);
  const state = new TurnState(spec, signal, overBudget);
  let error: Cell0Error | null = null;
  try {
    for (let attempt = 1; ; attempt++) {
      const end = await state.attempt();
      if (!end.error) break;
      // Only a refusal before any text or tool call is worth waiting out; started work is not redone.
      if (signal.aborted || !isRetryable(end.error) || state.started || attempt >= retry.maxAttempts) {
        error = end.error;
        break;
      }
      const waitMs = retryWait(retry, attempt, retryAfterMs(end.raw));
      spec.events?.retrying?.({
        attempt: attempt + 1,
        maxAttempts: retry.maxAttempts,
        waitMs,
        error: end.error,
      });
      await abortableSleep(waitMs, signal);
      if (signal.aborted) break;
    }
  } catch (err) {
    error = describeTurnError(err, spec.resolved, state.started);
  } finally {
    if (wall) clearTimeout(wall);
  }
  if (error?.code === 'INTERNAL') spec.logger?.error('agent turn failed', error.cause);
  const base = { text: state.text, usage: state.usage(), toolCalls: state.toolCalls };
  if (budget.signal.aborted) return { ...base, status: 'error', error: budget.signal.reason as Cell0Error };
  if (spec.signal.aborted) return { ...base, status: 'stopped', error: null };
  return { ...base, status: error ? 'error' : 'complete', error };
}

/** What one turn has done so far, across its attempts. */
class TurnState {
  text = '';
  toolCalls = 0;
  private inputTokens: number | null = null;
  private outputTokens: number | null = null;
  /** The step whose tools run now: a tool's id is scoped by it, on the stream's side and the tool's. */
  private executingStep = 0;
  private attempts = 0;
  private readonly tools: ToolSet | undefined;

  constructor(
    private readonly spec: AgentTurnSpec,
    private readonly signal: AbortSignal,
    private readonly overBudget: (reason: string) => void,
  ) {
    // A model whose template has no function calling gets none: the conversation says tools are off.
    this.tools = spec.resolved.toolsOff ? undefined : this.wrapTools(spec.tools?.(signal));
  }

  /** Once text or a tool call came, the attempt cannot be redone without repeating it. */
  get started(): boolean {
    return this.text.length > 0 || this.toolCalls > 0;
  }

  usage(): TurnUsage | null {
    if (this.inputTokens === null && this.outputTokens === null) return null;
    const { model, local } = this.spec.resolved;
    return {
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      costUsd: costOf(model, local, this.inputTokens, this.outputTokens),
    };
  }

  private scopedId(step: number, toolCallId: string): string {
    return `${this.spec.scope}:${this.attempts}.${step}:${toolCallId}`;
  }

  /** Every tool call is counted against the budget and reaches its tool with the turn's id for it. */
  private wrapTools(tools: ToolSet | undefined): ToolSet | undefined {
    if (!tools || Object.keys(tools).length === 0) return undefined;
    const wrapped: ToolSet = {};
    for (const [name, t] of Object.entries(tools)) {
      const execute = t.execute;
      wrapped[name] = {
        ...t,
        ...(execute && {
          execute: (input: unknown, options: Parameters<typeof execute>[1]) => {
            this.toolCalls++;
            const refused = this.spec.meter?.toolCall?.() ?? null;
            if (refused) {
              this.overBudget(refused);
              throw new Cell0Error('BUDGET_EXHAUSTED', refused);
            }
            const toolCallId = this.scopedId(this.executingStep, options.toolCallId);
            return execute(input, { ...options, toolCallId });
          },
        }),
      } as typeof t;
    }
    return wrapped;
  }

  /** One call to the model (several steps when it uses tools); errors come back, they are not thrown. */
  async attempt(): Promise<AttemptEnd> {
    const { spec, signal } = this;
    this.attempts++;
    let streamStep = -1;
    let steps = 0;
    try {
      // The SDK loads with the first reply, not with the core.
      const { stepCountIs, streamText } = await import('ai');
      const result = streamText({
        model: spec.resolved.languageModel(),
        ...(spec.system ? { system: spec.system } : {}),
        messages: spec.messages,
        abortSignal: signal,
        // Retries are the turn's: the wait is shown, and Stop cancels it.
        maxRetries: 0,
        ...(spec.temperature !== undefined ? { temperature: spec.temperature } : {}),
        ...(spec.maxOutputTokens !== undefined ? { maxOutputTokens: spec.maxOutputTokens } : {}),
        ...(this.tools ? { tools: this.tools, stopWhen: stepCountIs(spec.steps) } : {}),
        // Before every model call, the first and each after a tool round trip: paused agents wait here.
        prepareStep: async ({ stepNumber }) => {
          this.executingStep = stepNumber;
          for (const gate of spec.gates ?? []) await gate.wait(signal);
          if (!signal.aborted) spec.events?.modelCall?.();
          return {};
        },
        onStepFinish: (step) => {
          const input = step.usage.inputTokens ?? 0;
          const output = step.usage.outputTokens ?? 0;
          const reason = spec.meter?.step?.({
            inputTokens: input,
            outputTokens: output,
            totalTokens: step.usage.totalTokens ?? input + output,
            costUsd: costOf(spec.resolved.model, spec.resolved.local, input, output),
          });
          if (reason) this.overBudget(reason);
        },
        // Errors are read from the stream below; the SDK's default would print them to the console.
        onError: () => undefined,
      });
      for await (const part of result.fullStream) {
        if (part.type === 'start-step') {
          streamStep++;
        } else if (part.type === 'text-delta' && part.text) {
          this.text += part.text;
          spec.events?.text?.(part.text);
        } else if (part.type === 'tool-call') {
          spec.events?.toolCall?.({
            toolCallId: this.scopedId(Math.max(streamStep, 0), part.toolCallId),
            toolName: part.toolName,
            input: part.input,
          });
        } else if (part.type === 'finish-step') {
          steps++;
        } else if (part.type === 'finish') {
          this.inputTokens = add(this.inputTokens, part.totalUsage.inputTokens);
          this.outputTokens = add(this.outputTokens, part.totalUsage.outputTokens);
          // The model still wanted tools when the step budget ran out: a loop, stopped with its reason.
          if (this.tools && part.finishReason === 'tool-calls' && steps >= spec.steps) {
            this.overBudget(`Stopped: this reply used its budget of ${spec.steps} steps.`);
          }
        } else if (part.type === 'error') {
          return {
            error: describeTurnError(part.error, spec.resolved, this.text.length > 0),
            raw: part.error,
          };
        }
      }
      return { error: null, raw: null };
    } catch (err) {
      if (signal.aborted) return { error: null, raw: null };
      return { error: describeTurnError(err, spec.resolved, this.text.length > 0), raw: err };
    }
  }
}

function add(total: number | null, more: number | undefined): number | null {
  if (more === undefined) return total;
  return (total ?? 0) + more;
}
