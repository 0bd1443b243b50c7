import type {
  ErrorShape,
  SwarmAgent,
  SwarmAgentStatus,
  SwarmEvent,
  SwarmMessageKind,
  SwarmRunStatus,
  SwarmUsage,
} from '../../../src-main/core/protocol/index.js';

/** What a lane of the timeline shows for a stretch of time. */
export type SegmentPhase = 'waiting' | 'working' | 'permission';

export interface TimelineSegment {
  phase: SegmentPhase;
  start: number;
  /** null while it lasts. */
  end: number | null;
}

export interface SwarmToolCallView {
  toolCallId: string;
  toolName: string;
  input: unknown;
  /** `running` until the kernel's final state arrives (done, denied, failed, limit…). */
  status: string;
}

export interface SwarmPermissionView {
  requestId: string;
  toolCallId: string;
  display: string;
}

export interface AgentView {
  agent: SwarmAgent;
  tools: SwarmToolCallView[];
  permission: SwarmPermissionView | null;
  segments: TimelineSegment[];
  /** The model refused a call (a rate limit): the agent waits until `until`, then tries again. */
  waiting: { until: number; attempt: number; maxAttempts: number; error: ErrorShape } | null;
  /**
   * Characters streamed since the agent's last usage report: providers count tokens only when a
   * step ends, so the node shows an estimate (~4 characters a token) meanwhile.
   */
  streamedChars: number;
  /** Why it runs where it does (the plan, a model only there, load), and where it was moved from after a fault. */
  placement: { from: string | null; reason: string | null } | null;
}

/** The agent's tokens as the node shows them: the reported count plus an estimate of what is streaming. */
export function liveTokens(view: AgentView): { tokens: number; estimated: boolean } {
  const pending = Math.ceil(view.streamedChars / 4);
  return { tokens: view.agent.tokens + pending, estimated: pending > 0 };
}

export type EdgeKind = 'delegation' | 'dependency' | 'review' | 'message';

export interface EdgeView {
  id: string;
  from: string;
  to: string;
  kind: EdgeKind;
  /** Messages that went along it (either way); a change restarts its "flowing" pulse. */
  messages: number;
  lastKind: SwarmMessageKind | null;
  lastMessageAt: number | null;
}

/**
 * Everything the graph, the node panel and the timeline draw for one run, built from its events
 * alone: live events and a replay go through the same reducer, so they end in the same state.
 */
export interface SwarmRunState {
  runId: string;
  /** The last event applied; the next one must be lastSeq + 1 (else there is a gap to fetch). */
  lastSeq: number;
  status: SwarmRunStatus;
  error: ErrorShape | null;
  usage: SwarmUsage;
  finalText: string | null;
  startedAt: number | null;
  endedAt: number | null;
  /** Time of the last event: the timeline's "now" in a replay or a finished run. */
  lastAt: number | null;
  agents: Readonly<Record<string, AgentView>>;
  /** Agents in spawn order. */
  order: readonly string[];
  edges: Readonly<Record<string, EdgeView>>;
  edgeOrder: readonly string[];
  /** Bumped only when agents or edges are added: the graph lays itself out again only then. */
  structure: number;
  /** Bumped when an agent is added or ends: what `waitedOn` reads, so lanes cache on it. */
  ends: number;
}

export const ENDED_AGENT: ReadonlySet<SwarmAgentStatus> = new Set(['done', 'failed', 'stopped']);
export const ENDED_RUN: ReadonlySet<SwarmRunStatus> = new Set(['done', 'failed', 'stopped']);
/** Statuses where the agent's model or tools are at work. */
export const ACTIVE_AGENT: ReadonlySet<SwarmAgentStatus> = new Set(['thinking', 'tool', 'permission']);

export function emptyRunState(runId: string): SwarmRunState {
  return {
    runId,
    lastSeq: 0,
    status: 'planning',
    error: null,
    usage: { agents: 0, tokens: 0, costUsd: 0, toolCalls: 0 },
    finalText: null,
    startedAt: null,
    endedAt: null,
    lastAt: null,
    agents: {},
    order: [],
    edges: {},
    edgeOrder: [],
    structure: 0,
    ends: 0,
  };
}

function phaseOf(status: SwarmAgentStatus): SegmentPhase | null {
  if (status === 'waiting') return 'waiting';
  if (status === 'permission') return 'permission';
  if (ENDED_AGENT.has(status)) return null;
  return 'working';
}

/** Closes the open segment at `at` and opens one for `phase` (none once the agent has ended). */
function nextSegments(
  segments: TimelineSegment[],
  phase: SegmentPhase | null,
  at: number,
): TimelineSegment[] {
  const open = segments.at(-1);
  if (open && open.end === null && open.phase === phase) return segments;
  const closed = open && open.end === null ? [...segments.slice(0, -1), { ...open, end: at }] : segments;
  return phase ? [...closed, { phase, start: at, end: null }] : closed;
}

const edgeId = (from: string, to: string) => `${from}->${to}`;

function addEdge(
  edges: Record<string, EdgeView>,
  order: string[],
  from: string,
  to: string,
  kind: EdgeKind,
): void {
  const id = edgeId(from, to);
  if (edges[id] || edges[edgeId(to, from)]) return;
  edges[id] = { id, from, to, kind, messages: 0, lastKind: null, lastMessageAt: null };
  order.push(id);
}

function withAgent(state: SwarmRunState, id: string, update: (a: AgentView) => AgentView): SwarmRunState {
  const current = state.agents[id];
  if (!current) return state;
  return { ...state, agents: { ...state.agents, [id]: update(current) } };
}

/** Applies one event. Events at or below lastSeq were applied already and change nothing. */
export function applySwarmEvent(state: SwarmRunState, event: SwarmEvent): SwarmRunState {
  if (event.seq <= state.lastSeq) return state;
  const next = applyBody(state, event);
  return {
    ...next,
    lastSeq: event.seq,
    lastAt: event.at,
    startedAt: next.startedAt ?? event.at,
  };
}

export function applySwarmEvents(state: SwarmRunState, events: readonly SwarmEvent[]): SwarmRunState {
  let s = state;
  for (const e of events) s = applySwarmEvent(s, e);
  return s;
}

function applyBody(state: SwarmRunState, event: SwarmEvent): SwarmRunState {
  switch (event.type) {
    case 'run.status': {
      const ended = ENDED_RUN.has(event.status);
      return {
        ...state,
        status: event.status,
        error: event.error ?? (ended ? state.error : null),
        endedAt: ended ? event.at : null,
      };
    }
    case 'run.planned':
      return state;
    case 'run.final':
      return { ...state, finalText: event.text };
    case 'agent.spawned': {
      const agent = event.agent;
      if (state.agents[agent.id]) return state;
      const edges = { ...state.edges };
      const edgeOrder = [...state.edgeOrder];
      if (agent.parentId) {
        addEdge(
          edges,
          edgeOrder,
          agent.parentId,
          agent.id,
          agent.role === 'reviewer' ? 'review' : 'delegation',
        );
      }
      for (const dep of agent.dependsOn) addEdge(edges, edgeOrder, dep, agent.id, 'dependency');
      const phase = phaseOf(agent.status);
      return {
        ...state,
        agents: {
          ...state.agents,
          [agent.id]: {
            agent,
            tools: [],
            permission: null,
            waiting: null,
            streamedChars: 0,
            placement: null,
            segments: phase ? [{ phase, start: event.at, end: null }] : [],
          },
        },
        order: [...state.order, agent.id],
        edges,
        edgeOrder,
        structure: state.structure + 1,
        ends: state.ends + 1,
      };
    }
    case 'agent.status': {
      const before = state.agents[event.agentId]?.agent.endedAt;
      const next = withAgent(state, event.agentId, (view) => {
        const { status } = event;
        const ended = ENDED_AGENT.has(status);
        const retrying = status === 'retrying';
        const agent: SwarmAgent = {
          ...view.agent,
          status,
          error: event.error ?? view.agent.error,
          startedAt: view.agent.startedAt ?? (status === 'thinking' ? event.at : null),
          endedAt: ended ? event.at : view.agent.endedAt,
          // A retry is the same agent on its next attempt, with a fresh transcript.
          ...(retrying ? { attempt: view.agent.attempt + 1, output: '' } : {}),
        };
        return {
          ...view,
          agent,
          waiting: null,
          permission: status === 'permission' ? view.permission : null,
          segments: nextSegments(view.segments, phaseOf(status), event.at),
        };
      });
      const after = next.agents[event.agentId]?.agent.endedAt;
      return after === before ? next : { ...next, ends: next.ends + 1 };
    }
    case 'agent.waiting':
      return withAgent(state, event.agentId, (view) => ({
        ...view,
        waiting: {
          until: event.at + event.waitMs,
          attempt: event.attempt,
          maxAttempts: event.maxAttempts,
          error: event.error,
        },
      }));
    case 'agent.text':
      return withAgent(state, event.agentId, (view) => ({
        ...view,
        waiting: null,
        agent: { ...view.agent, output: view.agent.output + event.text },
        streamedChars: view.streamedChars + event.text.length,
      }));
    case 'agent.toolCall':
      return withAgent(state, event.agentId, (view) => ({
        ...view,
        tools: [
          ...view.tools,
          { toolCallId: event.toolCallId, toolName: event.toolName, input: event.input, status: 'running' },
        ],
      }));
    case 'agent.toolResult':
      return withAgent(state, event.agentId, (view) => ({
        ...view,
        tools: view.tools.some((t) => t.toolCallId === event.toolCallId)
          ? view.tools.map((t) => (t.toolCallId === event.toolCallId ? { ...t, status: event.status } : t))
          : [
              ...view.tools,
              { toolCallId: event.toolCallId, toolName: 'tool', input: null, status: event.status },
            ],
        permission: view.permission?.toolCallId === event.toolCallId ? null : view.permission,
      }));
    case 'agent.permission':
      return withAgent(state, event.agentId, (view) => ({
        ...view,
        permission: { requestId: event.requestId, toolCallId: event.toolCallId, display: event.display },
      }));
    case 'agent.placed':
      return withAgent(state, event.agentId, (view) => ({
        ...view,
        // A moved worker starts over there: what it streamed on the lost machine is gone.
        agent: { ...view.agent, machine: event.machine, ...(event.from ? { output: '' } : {}) },
        streamedChars: event.from ? 0 : view.streamedChars,
        placement: { from: event.from?.name ?? null, reason: event.reason },
      }));
    case 'agent.usage': {
      const next = withAgent(state, event.agentId, (view) => ({
        ...view,
        agent: { ...view.agent, tokens: event.tokens, costUsd: event.costUsd, toolCalls: event.toolCalls },
        streamedChars: 0,
      }));
      return { ...next, usage: event.run };
    }
    case 'agent.message': {
      const { from, to } = event;
      if (!from || !to) return state;
      const existing = state.edges[edgeId(from, to)] ?? state.edges[edgeId(to, from)];
      if (existing) {
        const edge: EdgeView = {
          ...existing,
          messages: existing.messages + 1,
          lastKind: event.kind,
          lastMessageAt: event.at,
        };
        return { ...state, edges: { ...state.edges, [edge.id]: edge } };
      }
      if (!state.agents[from] || !state.agents[to]) return state;
      const id = edgeId(from, to);
      const edge: EdgeView = {
        id,
        from,
        to,
        kind: 'message',
        messages: 1,
        lastKind: event.kind,
        lastMessageAt: event.at,
      };
      return {
        ...state,
        edges: { ...state.edges, [id]: edge },
        edgeOrder: [...state.edgeOrder, id],
        structure: state.structure + 1,
      };
    }
  }
}

/** Whether an edge's messages are flowing: its target is at work. */
export function edgeBusy(state: SwarmRunState, edge: EdgeView): boolean {
  const target = state.agents[edge.to]?.agent.status;
  return target !== undefined && ACTIVE_AGENT.has(target);
}

/** Agents done out of all spawned, for the run's card and header. */
export function agentProgress(state: SwarmRunState): { done: number; total: number } {
  let done = 0;
  for (const id of state.order) if (ENDED_AGENT.has(state.agents[id]!.agent.status)) done++;
  return { done, total: state.order.length };
}

/**
 * Whom a waiting stretch waited on: the agents it depends on (a coordinator: the agents it
 * spawned) that were still at it when the wait began. Empty: it waited for a free slot or to start.
 */
export function waitedOn(state: SwarmRunState, agentId: string, segment: TimelineSegment): string[] {
  const view = state.agents[agentId];
  if (!view || segment.phase !== 'waiting') return [];
  const candidates =
    view.agent.role === 'coordinator'
      ? state.order.filter((id) => state.agents[id]!.agent.parentId === agentId)
      : view.agent.dependsOn;
  const end = segment.end ?? Number.POSITIVE_INFINITY;
  return candidates.filter((id) => {
    const other = state.agents[id]?.agent;
    if (!other) return false;
    const otherEnd = other.endedAt ?? Number.POSITIVE_INFINITY;
    return otherEnd > segment.start && other.createdAt <= end;
  });
}

const waitsCache = new WeakMap<readonly TimelineSegment[], { ends: number; text: string }>();

/**
 * Per segment of an agent's lane, the titles of whom it waited on, as one string (segments split
 * by a newline, titles by ", "): cheap to compare, and cached until its segments change or an
 * agent is added or ends, since every lane asks on every update.
 */
export function laneWaits(state: SwarmRunState | undefined, agentId: string): string {
  const view = state?.agents[agentId];
  if (!state || !view) return '';
  const cached = waitsCache.get(view.segments);
  if (cached && cached.ends === state.ends) return cached.text;
  const text = view.segments
    .map((seg) =>
      waitedOn(state, agentId, seg)
        .map((id) => state.agents[id]!.agent.title)
        .join(', '),
    )
    .join('\n');
  waitsCache.set(view.segments, { ends: state.ends, text });
  return text;
}
