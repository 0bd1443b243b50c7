import { expect, it } from 'vitest';
import type { SwarmEvent, SwarmRun } from '../../../../src-main/core/protocol/index.js';
import { replayTo } from '../../../../src-renderer/features/swarms/replay-model.js';
import { agentProgress } from '../../../../src-renderer/features/swarms/swarm-state.js';
import { applyEventBatch } from '../../../../src-renderer/stores/swarms.js';
import { swarmResponder } from '../../../fixtures/swarm-script.js';
import { coreWithFakeProvider } from '../../../helpers/core.js';

const env = coreWithFakeProvider();

it('a real run: the graph built from live events equals the replay of its stored events', async () => {
  env.fake.responder = swarmResponder({
    plan: [
      { id: 'a', title: 'Gather A' },
      { id: 'b', title: 'Gather B' },
      { id: 'c', title: 'Compare', dependsOn: ['a', 'b'] },
    ],
    workers: {
      a: { replies: [{ tokens: ['Alpha ', 'facts.'], delayMs: 20 }] },
      // A refusal the turn cannot wait out: the worker itself is tried again.
      b: { replies: [{ status: 400 }, { tokens: ['Beta ', 'facts.'] }] },
      c: { replies: [{ tokens: ['A beats B.'] }] },
    },
    merge: 'Final answer.',
  }).respond;
  const conv = await env.t.call('conversations.create', {});
  const { run } = await env.t.call('swarm.start', {
    conversationId: conv.id,
    task: 'Compare',
    clientMessageId: 'c1',
  });
  await env.t.waitFor((f) => {
    if (f.event !== 'swarm.updated') return false;
    const r = (f.payload as { run: SwarmRun }).run;
    return r.id === run.id && r.status === 'done';
  }, 20_000);

  const live = env.t.events
    .filter((f) => f.event === 'swarm.event')
    .map((f) => (f.payload as { event: SwarmEvent }).event)
    .filter((e) => e.runId === run.id);
  let states = {};
  for (let i = 0; i < live.length; i += 3) states = applyEventBatch(states, live.slice(i, i + 3)).states;
  const liveState = (states as Record<string, ReturnType<typeof replayTo>['state']>)[run.id]!;

  const { events } = await env.t.call('swarm.events', { runId: run.id });
  const replayed = replayTo(run.id, events, Number.POSITIVE_INFINITY).state;
  expect(replayed).toEqual(liveState);
  expect(replayed.status).toBe('done');
  expect(replayed.finalText).toBe('Final answer.');
  expect(agentProgress(replayed)).toEqual({ done: 5, total: 5 });
  const titles = replayed.order.map((id) => replayed.agents[id]!.agent.title);
  expect(titles).toEqual(['Coordinator', 'Gather A', 'Gather B', 'Compare', 'Reviewer']);
  const bId = replayed.order[2]!;
  expect(replayed.agents[bId]!.agent).toMatchObject({ attempt: 2, output: 'Beta facts.' });
  // The stored agents agree with what the events built.
  const { agents } = await env.t.call('swarm.get', { runId: run.id });
  for (const a of agents) {
    expect(replayed.agents[a.id]!.agent).toMatchObject({
      status: a.status,
      output: a.output,
      attempt: a.attempt,
      tokens: a.tokens,
    });
  }
});
