import { describe, expect, it } from 'vitest';
import { swarmResponder, type SwarmScript } from '../../fixtures/swarm-script.js';
import { coreWithFakeProvider } from '../../helpers/core.js';
import type { Message } from '../../../src-main/core/protocol/entities.js';
import type { SwarmEvent, SwarmRun } from '../../../src-main/core/protocol/swarm-entities.js';

const env = coreWithFakeProvider();

async function runSwarm(script: SwarmScript, budget?: object) {
  env.fake.responder = swarmResponder(script).respond;
  const conv = await env.t.call('conversations.create', {});
  const started = await env.t.call('swarm.start', {
    conversationId: conv.id,
    task: 'Answer it.',
    clientMessageId: crypto.randomUUID(),
    ...(budget ? { budget } : {}),
  });
  const run = (
    await env.t.waitFor((f) => {
      if (f.event !== 'swarm.updated') return false;
      const r = (f.payload as { run: SwarmRun }).run;
      return r.id === started.run.id && ['done', 'failed', 'stopped'].includes(r.status);
    }, 20_000)
  ).payload as { run: SwarmRun };
  const message = (
    await env.t.waitFor((f) => {
      if (f.event !== 'message.updated') return false;
      const m = (f.payload as { message: Message }).message;
      return m.id === started.assistantMessage.id && m.status !== 'streaming';
    }, 20_000)
  ).payload as { message: Message };
  const { agents } = await env.t.call('swarm.get', { runId: started.run.id });
  const events = env.t.events
    .filter((f) => f.event === 'swarm.event')
    .map((f) => (f.payload as { event: SwarmEvent }).event)
    .filter((e) => e.runId === started.run.id);
  return { run: run.run, message: message.message, agents, events };
}

describe('how a swarm ends', () => {
  it('fails closed when the reviewer gives no readable verdict: the draft is not passed as approved', async () => {
    const { run, message, agents } = await runSwarm({
      plan: [{ id: 'a', title: 'Part A' }],
      workers: { a: { replies: [{ tokens: ['A done.'] }] } },
      merge: 'The draft answer.',
      review: 'Looks fine to me, ship it',
    });
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('REVIEW_FAILED');
    expect(run.finalAnswer).toBeNull();
    const reviewer = agents.find((a) => a.role === 'reviewer')!;
    expect(reviewer.status).toBe('failed');
    expect(reviewer.error?.code).toBe('REVIEW_FAILED');
    // The message says it failed (once, as its error) and keeps the draft marked as unapproved.
    expect(message.status).toBe('error');
    expect(message.error?.code).toBe('REVIEW_FAILED');
    expect(message.content).toContain('not approved by the review');
    expect(message.content).toContain('The draft answer.');
    expect(message.content).not.toContain(run.error!.message);
  });

  it('a failed run has a failed coordinator, never one that merely stopped, and says why once', async () => {
    const { run, message, agents } = await runSwarm({ plan: 'no plan here', workers: {} });
    expect(run.status).toBe('failed');
    const coordinator = agents.find((a) => a.role === 'coordinator')!;
    expect(coordinator.status).toBe('failed');
    expect(coordinator.error).toEqual(run.error);
    expect(message.status).toBe('error');
    expect(message.error).toEqual(run.error);
    // The reason is the message's error; its text does not repeat it.
    expect(message.content).not.toContain(run.error!.message);
  });

  it('an unpriced model leaves the cost budget unenforceable, and the run says so', async () => {
    // A cloud provider (not a server on this machine, whose replies are free) with a model of no known price.
    await env.t.call('providers.save', {
      kind: 'openai',
      baseUrl: env.fake.baseUrl,
      apiKey: 'sk-test',
      defaultModel: 'fake-small',
      makeDefault: true,
    });
    const { run, message } = await runSwarm(
      {
        plan: [{ id: 'a', title: 'Part A' }],
        workers: { a: { replies: [{ tokens: ['A done.'] }] } },
        merge: 'Answer.',
      },
      { costUsd: 1 },
    );
    expect(run.status).toBe('done');
    expect(run.usage.costUnknown).toBe(true);
    expect(message.usage?.costUsd ?? null).toBeNull();
  });

  it('a worker that fails on the provider never shows its key', async () => {
    const key = 'sk-live-secret-9f8e7d6c5b4a';
    await env.t.call('providers.save', {
      kind: 'openai-compatible',
      name: 'Keyed',
      baseUrl: env.fake.baseUrl,
      apiKey: key,
      defaultModel: 'fake-small',
      makeDefault: true,
    });
    const { run, agents, events } = await runSwarm({
      plan: [
        { id: 'a', title: 'Leaky' },
        { id: 'b', title: 'Fine' },
      ],
      workers: {
        a: { replies: [{ status: 400, errorMessage: `Invalid request for key ${key}` }] },
        b: { replies: [{ tokens: ['B done.'] }] },
      },
      merge: 'Answer.',
    });
    expect(run.status).toBe('done');
    const leaky = agents.find((a) => a.title === 'Leaky')!;
    expect(leaky.status).toBe('failed');
    expect(leaky.error?.message).toContain('[key]');
    expect(JSON.stringify(events)).not.toContain(key);
    expect(JSON.stringify(agents)).not.toContain(key);
  });
});
