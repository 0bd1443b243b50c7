import { describe, expect, it } from 'vitest';
import type { SwarmAgent, SwarmEvent } from '../../../../src-main/core/protocol/index.js';
import {
  layoutGraph,
  MAX_PER_ROW,
  NODE_HEIGHT,
  NODE_WIDTH,
} from '../../../../src-renderer/features/swarms/graph-layout.js';
import { applySwarmEvents, emptyRunState } from '../../../../src-renderer/features/swarms/swarm-state.js';

function spawned(seq: number, id: string, patch: Partial<SwarmAgent> = {}): SwarmEvent {
  return {
    type: 'agent.spawned',
    runId: 'r',
    seq,
    at: seq,
    agent: {
      id,
      runId: 'r',
      role: 'worker',
      title: id,
      instructions: '',
      subtaskId: id,
      dependsOn: [],
      parentId: 'coord',
      providerId: 'p',
      model: 'm',
      status: 'waiting',
      attempt: 1,
      tokens: 0,
      costUsd: 0,
      toolCalls: 0,
      output: '',
      error: null,
      createdAt: seq,
      startedAt: null,
      endedAt: null,
      ...patch,
    },
  };
}

function run(workers: number, extra: (seq: number) => SwarmEvent[] = () => []) {
  const events = [spawned(1, 'coord', { role: 'coordinator', parentId: null })];
  for (let i = 0; i < workers; i++) events.push(spawned(events.length + 1, `w${i}`));
  events.push(...extra(events.length + 1));
  return applySwarmEvents(emptyRunState('r'), events);
}

const overlap = (a: { x: number; y: number }, b: { x: number; y: number }) =>
  Math.abs(a.x - b.x) < NODE_WIDTH && Math.abs(a.y - b.y) < NODE_HEIGHT;

describe('graph layout', () => {
  it('puts the coordinator above its workers and a dependent below what it waits on', () => {
    const state = run(2, (seq) => [spawned(seq, 'after', { dependsOn: ['w0', 'w1'] })]);
    const p = layoutGraph(state);
    expect(p.get('coord')!.y).toBeLessThan(p.get('w0')!.y);
    expect(p.get('w0')!.y).toBe(p.get('w1')!.y);
    expect(p.get('after')!.y).toBeGreaterThan(p.get('w0')!.y);
  });

  it('wraps 200 parallel workers into rows, with no two nodes on top of each other', () => {
    const state = run(200);
    const p = layoutGraph(state);
    expect(p.size).toBe(201);
    const workers = [...p.entries()].filter(([id]) => id !== 'coord').map(([, pos]) => pos);
    const rows = new Set(workers.map((w) => w.y));
    expect(rows.size).toBe(Math.ceil(200 / MAX_PER_ROW));
    const xs = workers.map((w) => w.x);
    expect(Math.max(...xs) - Math.min(...xs)).toBeLessThan(MAX_PER_ROW * (NODE_WIDTH + 24));
    for (let i = 0; i < workers.length; i++) {
      for (let j = i + 1; j < workers.length; j++) expect(overlap(workers[i]!, workers[j]!)).toBe(false);
    }
    for (const w of workers) expect(w.y).toBeGreaterThan(p.get('coord')!.y);
  });
});
