import { describe, expect, it } from 'vitest';
import type { SwarmAgent, SwarmEvent } from '../../../../src-main/core/protocol/index.js';
import {
  agentProgress,
  applySwarmEvents,
  edgeBusy,
  emptyRunState,
  laneWaits,
  liveTokens,
  waitedOn,
} from '../../../../src-renderer/features/swarms/swarm-state.js';
import { timelineSpan } from '../../../../src-renderer/features/swarms/timeline-scale.js';
import { replayTo } from '../../../../src-renderer/features/swarms/replay-model.js';
import { applyEventBatch } from '../../../../src-renderer/stores/swarms.js';

type Body = SwarmEvent extends infer E
  ? E extends SwarmEvent
    ? Omit<E, 'runId' | 'seq' | 'at'>
    : never
  : never;

/** Events of one run, numbered in order, each 100 ms after the one before. */
function script(...bodies: Body[]): SwarmEvent[] {
  return bodies.map((b, i) => ({ ...b, runId: 'r', seq: i + 1, at: 1_000 + i * 100 }) as SwarmEvent);
}

function agent(id: string, patch: Partial<SwarmAgent> = {}): SwarmAgent {
  return {
    id,
    runId: 'r',
    role: 'worker',
    title: id,
    instructions: `Do ${id}.`,
    subtaskId: id,
    dependsOn: [],
    parentId: 'coord',
    providerId: 'p',
    model: 'fake-small',
    status: 'waiting',
    attempt: 1,
    tokens: 0,
    costUsd: 0,
    toolCalls: 0,
    output: '',
    error: null,
    createdAt: 1_000,
    startedAt: null,
    endedAt: null,
    ...patch,
  };
}

const status = (agentId: string, s: SwarmAgent['status']): Body => ({
  type: 'agent.status',
  agentId,
  status: s,
  error: null,
});
const spawned = (a: SwarmAgent): Body => ({ type: 'agent.spawned', agent: a });
const coord = agent('coord', { role: 'coordinator', title: 'Coordinator', parentId: null, subtaskId: null });

/** A whole small run: plan, two workers (b waits on a), review, answer. */
const RUN = script(
  { type: 'run.status', status: 'planning', error: null },
  spawned(coord),
  { type: 'agent.message', from: null, to: 'coord', kind: 'task', text: 'Task' },
  status('coord', 'thinking'),
  { type: 'agent.text', agentId: 'coord', text: '{"subtasks":' },
  { type: 'agent.text', agentId: 'coord', text: '[]}' },
  { type: 'run.planned', subtasks: [] },
  { type: 'run.status', status: 'running', error: null },
  status('coord', 'waiting'),
  spawned(agent('a')),
  spawned(agent('b', { dependsOn: ['a'] })),
  { type: 'agent.message', from: 'coord', to: 'a', kind: 'delegate', text: 'Do a' },
  status('a', 'thinking'),
  {
    type: 'agent.usage',
    agentId: 'a',
    tokens: 120,
    costUsd: 0.01,
    toolCalls: 0,
    run: { agents: 3, tokens: 300, costUsd: 0.02, toolCalls: 0 },
  },
  { type: 'agent.toolCall', agentId: 'a', toolCallId: 't1', toolName: 'shell', input: { command: 'ls' } },
  status('a', 'tool'),
  { type: 'agent.permission', agentId: 'a', requestId: 'p1', toolCallId: 't1', display: 'ls' },
  status('a', 'permission'),
  status('a', 'tool'),
  { type: 'agent.toolResult', agentId: 'a', toolCallId: 't1', status: 'done' },
  status('a', 'thinking'),
  { type: 'agent.text', agentId: 'a', text: 'A result.' },
  status('a', 'done'),
  { type: 'agent.message', from: 'a', to: 'coord', kind: 'result', text: 'A result.' },
  { type: 'agent.message', from: 'coord', to: 'b', kind: 'delegate', text: 'Do b' },
  { type: 'agent.message', from: 'a', to: 'b', kind: 'result', text: 'A result.' },
  status('b', 'thinking'),
  status('b', 'retrying'),
  status('b', 'thinking'),
  { type: 'agent.text', agentId: 'b', text: 'B.' },
  status('b', 'done'),
  status('coord', 'thinking'),
  spawned(agent('rev', { role: 'reviewer', title: 'Reviewer', dependsOn: ['coord'], subtaskId: null })),
  status('rev', 'thinking'),
  status('rev', 'done'),
  status('coord', 'done'),
  { type: 'run.final', text: 'Answer.' },
  { type: 'run.status', status: 'done', error: null },
);

const final = applySwarmEvents(emptyRunState('r'), RUN);
const at = (seq: number) => RUN[seq - 1]!.at;
const seqOf = (pred: (e: SwarmEvent) => boolean) => RUN.find(pred)!.seq;

describe('swarm graph reducer', () => {
  it('adds spawned agents in order, with delegation, dependency and review edges', () => {
    expect(final.order).toEqual(['coord', 'a', 'b', 'rev']);
    const kinds = final.edgeOrder.map((id) => `${id}:${final.edges[id]!.kind}`);
    expect(kinds).toEqual([
      'coord->a:delegation',
      'coord->b:delegation',
      'a->b:dependency',
      'coord->rev:review',
    ]);
    // Structure changes only when agents or edges appear, so the layout runs four times, not 38.
    expect(final.structure).toBe(4);
  });

  it('counts messages on the edge they travel, either way, and adds no edge for the owner', () => {
    expect(final.edges['coord->a']).toMatchObject({ messages: 2, lastKind: 'result' });
    expect(final.edges['a->b']).toMatchObject({ messages: 1, lastKind: 'result' });
    expect(final.edges['coord->rev']!.messages).toBe(0);
  });

  it('follows statuses, keeps start and end times, and a retry starts a fresh transcript', () => {
    const a = final.agents['a']!.agent;
    expect(a).toMatchObject({ status: 'done', output: 'A result.', attempt: 1 });
    expect(a.startedAt).toBe(at(seqOf((e) => e.type === 'agent.status' && e.agentId === 'a')));
    expect(a.endedAt).not.toBeNull();
    const b = final.agents['b']!.agent;
    expect(b).toMatchObject({ status: 'done', output: 'B.', attempt: 2 });
    expect(final).toMatchObject({ status: 'done', finalText: 'Answer.', endedAt: RUN.at(-1)!.at });
    expect(agentProgress(final)).toEqual({ done: 4, total: 4 });
  });

  it('takes usage totals for the agent and the run', () => {
    expect(final.agents['a']!.agent).toMatchObject({ tokens: 120, costUsd: 0.01 });
    expect(final.usage).toEqual({ agents: 3, tokens: 300, costUsd: 0.02, toolCalls: 0 });
  });

  it('estimates tokens from streamed text until the provider reports the count', () => {
    const upTo = (seq: number) => applySwarmEvents(emptyRunState('r'), RUN.slice(0, seq));
    // The coordinator streamed 15 characters and has no report yet: about 4 tokens.
    const planned = upTo(seqOf((e) => e.type === 'run.planned'));
    expect(liveTokens(planned.agents['coord']!)).toEqual({ tokens: 4, estimated: true });
    // A report replaces the estimate with the count.
    const reported = upTo(seqOf((e) => e.type === 'agent.usage'));
    expect(liveTokens(reported.agents['a']!)).toEqual({ tokens: 120, estimated: false });
    expect(liveTokens(final.agents['a']!)).toEqual({ tokens: 123, estimated: true });
  });

  it('shows a pending permission on the agent until the call goes on, and tracks tool call statuses', () => {
    const pendingAt = seqOf((e) => e.type === 'agent.permission');
    const waiting = applySwarmEvents(emptyRunState('r'), RUN.slice(0, pendingAt + 1));
    expect(waiting.agents['a']!.agent.status).toBe('permission');
    expect(waiting.agents['a']!.permission).toEqual({ requestId: 'p1', toolCallId: 't1', display: 'ls' });
    expect(waiting.agents['a']!.tools).toEqual([
      { toolCallId: 't1', toolName: 'shell', input: { command: 'ls' }, status: 'running' },
    ]);
    expect(final.agents['a']!.permission).toBeNull();
    expect(final.agents['a']!.tools[0]!.status).toBe('done');
  });

  it('cuts each lane into waiting, working and permission segments', () => {
    const phases = final.agents['a']!.segments.map((s) => s.phase);
    expect(phases).toEqual(['waiting', 'working', 'permission', 'working']);
    expect(final.agents['a']!.segments.every((s) => s.end !== null)).toBe(true);
    // Retrying is still work: b's lane does not split there.
    expect(final.agents['b']!.segments.map((s) => s.phase)).toEqual(['waiting', 'working']);
    const segs = final.agents['a']!.segments;
    for (let i = 1; i < segs.length; i++) expect(segs[i]!.start).toBe(segs[i - 1]!.end);
  });

  it('tells whom a wait was for: b waited on a, the coordinator on its workers', () => {
    const bWait = final.agents['b']!.segments[0]!;
    expect(waitedOn(final, 'b', bWait)).toEqual(['a']);
    const coordWait = final.agents['coord']!.segments.find((s) => s.phase === 'waiting')!;
    expect(waitedOn(final, 'coord', coordWait)).toEqual(expect.arrayContaining(['a', 'b']));
    expect(waitedOn(final, 'a', final.agents['a']!.segments[0]!)).toEqual([]);
  });

  it('gives each lane its waits as one comparable string, recomputed only when an agent ends', () => {
    const coord = final.agents['coord']!.segments.map((seg) =>
      waitedOn(final, 'coord', seg)
        .map((id) => final.agents[id]!.agent.title)
        .join(', '),
    );
    expect(laneWaits(final, 'coord')).toBe(coord.join('\n'));
    expect(laneWaits(final, 'coord')).toBe(laneWaits(final, 'coord'));
    // Mid-run, b waits on a; once a ends the cached answer is not reused.
    const before = applySwarmEvents(emptyRunState('r'), RUN.slice(0, 20));
    expect(laneWaits(before, 'b')).toBe('a');
    expect(laneWaits(final, 'b')).toBe('a\n');
    expect(before.ends).toBeLessThan(final.ends);
  });

  it('grows the live timeline in steps, so finished stretches keep their place between steps', () => {
    expect(timelineSpan(0)).toBe(10_000);
    expect(timelineSpan(9_000)).toBe(10_000);
    expect(timelineSpan(12_000)).toBe(15_000);
    expect(timelineSpan(60_000)).toBeGreaterThanOrEqual(63_000);
  });

  it('marks an edge busy while its target works', () => {
    const mid = applySwarmEvents(emptyRunState('r'), RUN.slice(0, 13));
    expect(mid.agents['a']!.agent.status).toBe('thinking');
    expect(edgeBusy(mid, mid.edges['coord->a']!)).toBe(true);
    expect(edgeBusy(mid, mid.edges['coord->b']!)).toBe(false);
  });

  it('ignores events already applied', () => {
    const again = applySwarmEvents(final, RUN.slice(5));
    expect(again).toBe(final);
  });
});

describe('live batches and replay', () => {
  it('stops at a gap and reports the run, so the missed events are fetched', () => {
    const { states, gaps } = applyEventBatch({}, [...RUN.slice(0, 3), ...RUN.slice(5, 8)]);
    expect(gaps).toEqual(new Set(['r']));
    expect(states['r']!.lastSeq).toBe(3);
    const caught = applyEventBatch(states, RUN.slice(3));
    expect(caught.gaps.size).toBe(0);
    expect(caught.states['r']).toEqual(final);
  });

  it('replaying the stored events ends in the same state as the live batches did', () => {
    let live = {};
    // Live: uneven frames, with a repeated event after a reconnect.
    for (const [from, to] of [
      [0, 1],
      [1, 7],
      [5, 20],
      [20, RUN.length],
    ] as const) {
      live = applyEventBatch(live, RUN.slice(from, to)).states;
    }
    const replayed = replayTo('r', RUN, Number.POSITIVE_INFINITY);
    expect(replayed.index).toBe(RUN.length);
    expect(replayed.state).toEqual((live as Record<string, unknown>)['r']);
  });

  it('a scrub to a point in time shows the graph as it stood then', () => {
    const { state, index } = replayTo('r', RUN, at(12));
    expect(index).toBe(12);
    expect(state.order).toEqual(['coord', 'a', 'b']);
    expect(state.agents['a']!.agent.status).toBe('waiting');
    expect(state.status).toBe('running');
  });

  it('labels each node with its machine, and a worker moved after a fault with where from and why', () => {
    const laptop = { peerId: null, name: 'laptop' };
    const desktop = { peerId: 'p-desktop', name: 'desktop' };
    const events = script(
      spawned(agent('w', { machine: laptop })),
      { type: 'agent.placed', agentId: 'w', machine: desktop, from: null, reason: 'desktop has fake-gpu' },
      { type: 'agent.text', agentId: 'w', text: 'half of it' },
      {
        type: 'agent.placed',
        agentId: 'w',
        machine: laptop,
        from: desktop,
        reason: 'desktop: desktop stopped answering (the link was lost).',
      },
    );
    const placed = applySwarmEvents(emptyRunState('r'), events.slice(0, 3)).agents['w']!;
    expect(placed.agent.machine).toEqual(desktop);
    expect(placed.placement).toEqual({ from: null, reason: 'desktop has fake-gpu' });
    const moved = applySwarmEvents(emptyRunState('r'), events).agents['w']!;
    expect(moved.agent.machine).toEqual(laptop);
    expect(moved.placement).toEqual({
      from: 'desktop',
      reason: 'desktop: desktop stopped answering (the link was lost).',
    });
    // What it streamed on the lost machine is gone: it starts over here.
    expect(moved.agent.output).toBe('');
  });
});
