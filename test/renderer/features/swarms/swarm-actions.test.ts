import { describe, expect, it } from 'vitest';
import type { SwarmRun } from '../../../../src-main/core/protocol/index.js';
import { conversationRun, parseSwarmCommand } from '../../../../src-renderer/features/swarms/actions.js';
import { swarmIdFromHash } from '../../../../src-renderer/features/swarms/swarm-route.js';

function run(id: string, patch: Partial<SwarmRun>): SwarmRun {
  return {
    id,
    conversationId: 'c1',
    messageId: `m-${id}`,
    task: 't',
    status: 'done',
    providerId: 'p',
    model: 'm',
    budget: { maxAgents: 12, tokens: 1000, costUsd: 1, toolCalls: 10, wallTimeMs: 60_000, concurrency: 3 },
    usage: { agents: 0, tokens: 0, costUsd: 0, toolCalls: 0 },
    finalAnswer: null,
    error: null,
    createdAt: 1,
    endedAt: null,
    ...patch,
  };
}

describe('swarm commands and routes', () => {
  it('reads /swarm <task> from the composer, and nothing else', () => {
    expect(parseSwarmCommand('/swarm Compare A and B')).toBe('Compare A and B');
    expect(parseSwarmCommand('  /swarm   multi\nline task ')).toBe('multi\nline task');
    expect(parseSwarmCommand('/swarm')).toBe('');
    expect(parseSwarmCommand('/swarmy task')).toBeNull();
    expect(parseSwarmCommand('please /swarm this')).toBeNull();
  });

  it('opens a run from #swarm=<id> only', () => {
    expect(swarmIdFromHash('#swarm=3f2a-b')).toBe('3f2a-b');
    expect(swarmIdFromHash('#token=abc&swarm=3f2a-b')).toBe('3f2a-b');
    expect(swarmIdFromHash('#&swarm=3f2a-b')).toBe('3f2a-b');
    expect(swarmIdFromHash('#noswarm=3f2a-b')).toBeNull();
    expect(swarmIdFromHash('#quick')).toBeNull();
    expect(swarmIdFromHash('#swarm=<script>')).toBeNull();
  });

  it('the inspector shows the conversation’s live run, else its latest', () => {
    const runs = {
      old: run('old', { createdAt: 1 }),
      live: run('live', { createdAt: 2, status: 'running' }),
      newer: run('newer', { createdAt: 3 }),
      other: run('other', { createdAt: 9, conversationId: 'c2' }),
    };
    expect(conversationRun(runs, 'c1')?.id).toBe('live');
    expect(conversationRun({ old: runs.old, newer: runs.newer }, 'c1')?.id).toBe('newer');
    expect(conversationRun(runs, 'c3')).toBeNull();
    expect(conversationRun(runs, null)).toBeNull();
  });
});
