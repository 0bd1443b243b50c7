import { randomUUID } from 'node:crypto';
import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import type { ErrorShape } from '../protocol/errors.js';
import type { SwarmMachine } from '../protocol/mesh-entities.js';
import type {
  SwarmAgent,
  SwarmAgentRole,
  SwarmAgentStatus,
  SwarmEvent,
  SwarmMessageKind,
  SwarmRun,
  SwarmRunStatus,
} from '../protocol/swarm-entities.js';
import type { SwarmStore } from './swarm-store.js';

/** Distributes the event-type-specific fields over the union, so each event keeps its own shape. */
export type EventBody = SwarmEvent extends infer E
  ? E extends SwarmEvent
    ? Omit<E, 'runId' | 'seq' | 'at'>
    : never
  : never;

export interface AgentSpec {
  role: SwarmAgentRole;
  title: string;
  instructions: string;
  subtaskId: string | null;
  dependsOn: string[];
  parentId: string | null;
  model?: string;
  machine?: SwarmMachine;
}

const ENDED_AGENT = new Set<SwarmAgentStatus>(['done', 'failed', 'stopped']);

export const agentEnded = (agent: SwarmAgent): boolean => ENDED_AGENT.has(agent.status);

/**
 * A run's state and its record: every change is an event, sent at once and stored in batches
 * (agents, events and the run in one write every flushMs). Text streams out batched too.
 */
export class RunRecorder {
  readonly agents = new Map<string, SwarmAgent>();
  private seq: number;
  private pending: SwarmEvent[] = [];
  private readonly dirty = new Set<string>();
  private readonly textBuffers = new Map<string, string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private runChanged = false;
  /** Totals changed since clients last heard of the run (a status change announces itself at once). */
  private runUnannounced = false;

  constructor(
    readonly run: SwarmRun,
    private readonly deps: { store: SwarmStore; bus: EventBus; logger: Logger; flushMs: number },
    lastSeq: number,
  ) {
    this.seq = lastSeq;
  }

  spawn(spec: AgentSpec): SwarmAgent {
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
    return agent;
  }

  setAgentStatus(agent: SwarmAgent, status: SwarmAgentStatus, error: ErrorShape | null = null): void {
    if (agent.status === status && error === null) return;
    this.flushText(agent.id);
    agent.status = status;
    if (error) agent.error = error;
    if (ENDED_AGENT.has(status)) agent.endedAt = Date.now();
    if (status === 'thinking') agent.startedAt ??= Date.now();
    this.dirty.add(agent.id);
    this.emit({ type: 'agent.status', agentId: agent.id, status, error });
  }

  setRunStatus(status: SwarmRunStatus, error: ErrorShape | null = null): void {
    if (this.run.status === status) return;
    this.run.status = status;
    this.runChanged = true;
    this.runUnannounced = false;
    this.emit({ type: 'run.status', status, error });
    this.deps.bus.emit('swarm.updated', { run: structuredClone(this.run) });
  }

  /** The run's totals changed: stored at the next flush, announced then. */
  runTotalsChanged(): void {
    this.runChanged = true;
    this.runUnannounced = true;
  }

  message(from: string | null, to: string | null, kind: SwarmMessageKind, text: string): void {
    this.emit({ type: 'agent.message', from, to, kind, text });
  }

  appendOutput(agent: SwarmAgent, text: string): void {
    agent.output += text;
    this.dirty.add(agent.id);
    this.textBuffers.set(agent.id, (this.textBuffers.get(agent.id) ?? '') + text);
    this.scheduleFlush();
  }

  /** A fresh attempt of an agent starts with an empty transcript. */
  resetOutput(agent: SwarmAgent): void {
    this.textBuffers.delete(agent.id);
    agent.output = '';
    this.dirty.add(agent.id);
  }

  publishUsage(agent: SwarmAgent): void {
    // The text these tokens counted goes out first, so a client's estimate of streamed text ends here.
    this.flushText(agent.id);
    this.dirty.add(agent.id);
    this.runTotalsChanged();
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

  emit(body: EventBody): void {
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
