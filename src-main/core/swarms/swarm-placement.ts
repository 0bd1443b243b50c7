import type { StepUsage, TurnGate } from '../agents/agent-turn.js';
import { Cell0Error, type ErrorShape } from '../protocol/errors.js';
import type { ToolName } from '../protocol/kernel-entities.js';
import type { SwarmMachine } from '../protocol/mesh-entities.js';
import type { SwarmAgent } from '../protocol/swarm-entities.js';
import type { RunRecorder } from './swarm-recorder.js';

/**
 * Where swarm workers may run besides this instance. The composition root hands the swarm service
 * an implementation (the mesh's); swarms never import the mesh.
 */
export interface RemoteWorkers {
  /** This instance's name, as the graph labels its nodes. */
  localName(): string;
  /** Peers that may take a worker now: paired, connected, allowing remote work. */
  machines(): RemoteMachine[];
  /**
   * One worker turn on a peer, through that peer's own agent turn, kernel and rules; its events
   * come back as they happen. Rejects with PEER_LOST when the peer vanishes mid-turn, and with
   * REMOTE_REFUSED when it will not take the work.
   */
  run(turn: RemoteTurn): Promise<{ text: string }>;
}

export interface RemoteMachine {
  peerId: string;
  name: string;
  /** Chat models its providers list. */
  models: readonly string[];
  /** Remote workers it can still take. */
  freeSlots: number;
}

export interface RemoteTurn {
  peerId: string;
  runId: string;
  /** Where the swarm shows on this instance: its permission cards appear there. */
  conversationId: string;
  messageId: string;
  agentId: string;
  attempt: number;
  title: string;
  task: string;
  system: string;
  prompt: string;
  model: string;
  tools: readonly ToolName[];
  steps: number;
  /** This run's pauses: the peer waits on them before each model call. */
  gates: TurnGate[];
  signal: AbortSignal;
  events: RemoteTurnEvents;
}

export interface RemoteTurnEvents {
  modelCall(): void;
  text(delta: string): void;
  toolCall(call: { toolCallId: string; toolName: string; input: unknown }): void;
  toolState(call: { toolCallId: string; status: string }): void;
  permission(request: { requestId: string; toolCallId: string; display: string }): void;
  /** One model step's usage; a reason means the run's budget is spent (the turn is then stopped). */
  step(usage: StepUsage): string | null;
  /** Every tool call counts against the run's budget; a reason stops the turn. */
  countToolCall(): string | null;
  retrying(retry: { attempt: number; maxAttempts: number; waitMs: number; error: ErrorShape }): void;
}

export const LOCAL_PEER = null;

export interface PlacementInput {
  /** The machine the plan names for the subtask, if any. */
  wanted: string | undefined;
  localName: string;
  model: string;
  /** Models the run's own provider lists here ([] when unknown: the run's model is assumed). */
  localModels: readonly string[];
  runModel: string;
  machines: readonly RemoteMachine[];
  /** Agents at work on this instance now, and how many this run lets work at once. */
  localBusy: number;
  localSlots: number;
  /** Peers that failed this worker already. */
  exclude: ReadonlySet<string>;
}

export interface Placement {
  peerId: string | null;
  reason: string | null;
}

/**
 * Where a worker runs: the machine the plan names (the owner's or coordinator's choice), else a
 * peer that has the model when this instance does not, else the least loaded, this instance
 * winning ties. A peer that already failed this worker is not chosen again.
 */
export function placeWorker(input: PlacementInput): Placement {
  const machines = input.machines.filter((m) => !input.exclude.has(m.peerId) && m.freeSlots > 0);
  const hasModel = (m: RemoteMachine) => m.models.includes(input.model);
  const localHas =
    input.model === input.runModel ||
    input.localModels.length === 0 ||
    input.localModels.includes(input.model);
  if (input.wanted !== undefined) {
    if (input.wanted.toLowerCase() === input.localName.toLowerCase())
      return { peerId: LOCAL_PEER, reason: null };
    const named = machines.find((m) => m.name.toLowerCase() === input.wanted!.toLowerCase());
    if (named) return { peerId: named.peerId, reason: `the plan put it on ${named.name}` };
  }
  const withModel = machines.filter(hasModel).sort((a, b) => b.freeSlots - a.freeSlots);
  if (!localHas && withModel.length > 0) {
    return { peerId: withModel[0]!.peerId, reason: `${withModel[0]!.name} has ${input.model}` };
  }
  const localFree = input.localSlots - input.localBusy;
  const best = withModel[0];
  if (best && localFree <= 0 && best.freeSlots > 0) {
    return { peerId: best.peerId, reason: `this machine is busy; ${best.name} has room` };
  }
  return { peerId: LOCAL_PEER, reason: null };
}

export function machineLabel(peerId: string | null, remote: RemoteWorkers | undefined): SwarmMachine {
  if (peerId === null || !remote) return { peerId: null, name: remote?.localName() ?? 'this machine' };
  const m = remote.machines().find((x) => x.peerId === peerId);
  return { peerId, name: m?.name ?? 'a peer' };
}

/** Errors after which a worker on a peer is moved rather than failed. */
const MOVABLE = new Set(['PEER_LOST', 'REMOTE_REFUSED']);

/**
 * Places one run's workers and moves them when their peer fails them: every move is an
 * `agent.placed` event with where from and why, so the graph can show it.
 */
export class Placer {
  private localModels: readonly string[] = [];
  private readonly excluded = new Map<string, Set<string>>();

  constructor(
    private readonly run: { model: string; budget: { concurrency: number } },
    private readonly recorder: Pick<RunRecorder, 'emit'>,
    private readonly remote: RemoteWorkers | undefined,
    private readonly localBusy: () => number,
  ) {}

  /** Peers that could take workers now ([] without a mesh). */
  machines(): RemoteMachine[] {
    return this.remote?.machines() ?? [];
  }

  /**
   * What the coordinator may choose from, given the chat models the run's provider lists here:
   * the run's own model first, then the others here and on the peers; and the machines by name.
   */
  choices(listed: readonly string[]): {
    models: string[];
    machines: RemoteMachine[];
    machineNames: string[];
  } {
    this.localModels = listed;
    const machines = this.machines();
    const everywhere = [...listed, ...machines.flatMap((m) => m.models)];
    const models =
      everywhere.length > 0
        ? [...new Set([this.run.model, ...everywhere])].slice(0, machines.length > 0 ? 60 : 30)
        : [];
    const machineNames =
      machines.length > 0 ? [this.remote!.localName(), ...machines.map((m) => m.name)] : [];
    return { models, machines, machineNames };
  }

  /** Where a new agent starts: this instance, labelled once the owner has a mesh to compare with. */
  initial(): SwarmMachine | undefined {
    return this.remote && this.machines().length > 0 ? machineLabel(null, this.remote) : undefined;
  }

  place(agent: SwarmAgent, wanted: string | undefined): void {
    if (!this.remote) return;
    const machines = this.machines();
    if (machines.length === 0 && !agent.machine?.peerId) return;
    const placement = placeWorker({
      wanted,
      localName: this.remote.localName(),
      model: agent.model,
      localModels: this.localModels,
      runModel: this.run.model,
      machines,
      localBusy: this.localBusy(),
      localSlots: this.run.budget.concurrency,
      exclude: this.excluded.get(agent.id) ?? new Set(),
    });
    this.moveTo(agent, placement.peerId, placement.reason, false);
  }

  /** After a failed turn: true when the worker was moved off the peer that failed it (try again). */
  moved(agent: SwarmAgent, err: unknown, wanted: string | undefined): boolean {
    const peerId = agent.machine?.peerId;
    if (!peerId || !(err instanceof Cell0Error) || !MOVABLE.has(err.code)) return false;
    const failed = this.excluded.get(agent.id) ?? new Set<string>();
    failed.add(peerId);
    this.excluded.set(agent.id, failed);
    const from = agent.machine!.name;
    const placement = placeWorker({
      wanted,
      localName: this.remote!.localName(),
      model: agent.model,
      localModels: this.localModels,
      runModel: this.run.model,
      machines: this.machines(),
      localBusy: this.localBusy(),
      localSlots: this.run.budget.concurrency,
      exclude: failed,
    });
    // A worker moved here runs on the run's model if this instance lacks the peer's.
    if (placement.peerId === null && !this.localModels.includes(agent.model) && this.localModels.length > 0)
      agent.model = this.run.model;
    this.moveTo(agent, placement.peerId, `${from}: ${err.message}`, true);
    return true;
  }

  /** `after` a fault the event says where from; a first placement has no "from". */
  private moveTo(agent: SwarmAgent, peerId: string | null, reason: string | null, after: boolean): void {
    const machine = machineLabel(peerId, this.remote);
    const previous = agent.machine ?? null;
    if (previous && previous.peerId === machine.peerId) return;
    const from = after ? previous : null;
    agent.machine = machine;
    this.recorder.emit({ type: 'agent.placed', agentId: agent.id, machine, from, reason });
  }
}
