import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { PauseGate } from '../../../src-main/core/base/pause-gate.js';
import { swarmResponder, type SwarmScript } from '../../fixtures/swarm-script.js';
import { coreWithFakeProvider } from '../../helpers/core.js';
import { StorageService } from '../../../src-main/core/storage/storage-service.js';
import type { EventFrame } from '../../../src-main/core/protocol/frames.js';
import type { Message } from '../../../src-main/core/protocol/entities.js';
import type { SwarmEvent, SwarmRun } from '../../../src-main/core/protocol/swarm-entities.js';

const env = coreWithFakeProvider();

const swarmEvents = (runId: string) =>
  env.t.events
    .filter((f) => f.event === 'swarm.event')
    .map((f) => (f.payload as { event: SwarmEvent }).event)
    .filter((e) => e.runId === runId);

function ended(runId: string): Promise<SwarmRun> {
  return env.t
    .waitFor((f) => {
      if (f.event !== 'swarm.updated') return false;
      const { run } = f.payload as { run: SwarmRun };
      return run.id === runId && ['done', 'failed', 'stopped'].includes(run.status);
    }, 20_000)
    .then((f) => (f.payload as { run: SwarmRun }).run);
}

function hostMessage(messageId: string): Promise<Message> {
  return env.t
    .waitFor((f) => {
      if (f.event !== 'message.updated') return false;
      const { message } = f.payload as { message: Message };
      return message.id === messageId && message.status !== 'streaming';
    }, 20_000)
    .then((f) => (f.payload as { message: Message }).message);
}

async function startSwarm(script: SwarmScript, task = 'Compare three things.', budget?: object) {
  const responder = swarmResponder(script);
  env.fake.responder = responder.respond;
  const conv = await env.t.call('conversations.create', {});
  const started = await env.t.call('swarm.start', {
    conversationId: conv.id,
    task,
    clientMessageId: 'swarm-1',
    ...(budget ? { budget } : {}),
  });
  return { conv, ...started, calls: responder.calls };
}

const agentByTitle = (runId: string, title: string) =>
  swarmEvents(runId)
    .filter((e) => e.type === 'agent.spawned')
    .map((e) => (e as Extract<SwarmEvent, { type: 'agent.spawned' }>).agent)
    .find((a) => a.title === title)!;

const statusesOf = (runId: string, agentId: string) =>
  swarmEvents(runId)
    .filter((e) => e.type === 'agent.status' && e.agentId === agentId)
    .map((e) => (e as Extract<SwarmEvent, { type: 'agent.status' }>).status);

describe('swarm runtime', () => {
  it('plans, runs independent subtasks in parallel, passes results on, reviews and lands the answer', async () => {
    const { run, userMessage, assistantMessage } = await startSwarm({
      plan: [
        { id: 'a', title: 'Gather A' },
        { id: 'b', title: 'Gather B' },
        { id: 'c', title: 'Compare', dependsOn: ['a', 'b'] },
      ],
      workers: {
        a: { replies: [{ tokens: ['Alpha ', 'facts.'], delayMs: 40 }] },
        b: { replies: [{ tokens: ['Beta ', 'facts.'], delayMs: 40 }] },
        c: { replies: [{ tokens: ['A beats B.'] }] },
      },
      merge: 'Final: A beats B.',
    });
    expect(userMessage).toMatchObject({ role: 'user', content: 'Compare three things.' });
    expect(assistantMessage.status).toBe('streaming');
    expect(run.status).toBe('planning');

    const end = await ended(run.id);
    expect(end).toMatchObject({ status: 'done', finalAnswer: 'Final: A beats B.', error: null });
    expect(end.usage.agents).toBe(5); // coordinator, three workers, reviewer
    expect(end.usage.tokens).toBeGreaterThan(0);
    const message = await hostMessage(assistantMessage.id);
    expect(message).toMatchObject({ status: 'complete', content: 'Final: A beats B.' });

    const a = agentByTitle(run.id, 'Gather A');
    const b = agentByTitle(run.id, 'Gather B');
    const c = agentByTitle(run.id, 'Compare');
    expect(c.dependsOn.sort()).toEqual([a.id, b.id].sort());
    // A and B ran side by side: both were thinking before either finished.
    const order = swarmEvents(run.id)
      .filter((e) => e.type === 'agent.status')
      .map((e) => {
        const s = e as Extract<SwarmEvent, { type: 'agent.status' }>;
        return `${s.agentId}:${s.status}`;
      });
    const firstDone = Math.min(order.indexOf(`${a.id}:done`), order.indexOf(`${b.id}:done`));
    expect(order.indexOf(`${a.id}:thinking`)).toBeLessThan(firstDone);
    expect(order.indexOf(`${b.id}:thinking`)).toBeLessThan(firstDone);
    // C started only after both, and got their results.
    expect(order.indexOf(`${c.id}:thinking`)).toBeGreaterThan(order.indexOf(`${a.id}:done`));
    expect(order.indexOf(`${c.id}:thinking`)).toBeGreaterThan(order.indexOf(`${b.id}:done`));
    const cRequest = env.fake.requests.find((r) => JSON.stringify(r.body).includes('Subtask id: c.'));
    expect(JSON.stringify(cRequest?.body)).toContain('Alpha facts.');
    expect(JSON.stringify(cRequest?.body)).toContain('Beta facts.');
    // Messages between agents: delegations, results passed on, the review and the final answer.
    const kinds = swarmEvents(run.id)
      .filter((e) => e.type === 'agent.message')
      .map((e) => (e as Extract<SwarmEvent, { type: 'agent.message' }>).kind);
    expect(kinds.filter((k) => k === 'delegate')).toHaveLength(3);
    expect(kinds).toEqual(expect.arrayContaining(['task', 'result', 'review', 'final']));
    // Each agent's streamed text goes out before the usage report that counted it.
    const all = swarmEvents(run.id);
    for (const agent of [a, b, c]) {
      const last = (type: string) =>
        all.findLastIndex((e) => e.type === type && 'agentId' in e && e.agentId === agent.id);
      expect(last('agent.text')).toBeGreaterThan(-1);
      expect(last('agent.text')).toBeLessThan(last('agent.usage'));
    }
  });

  it("gives the coordinator and each worker the owner's memories that bear on their part", async () => {
    await env.t.call('memories.create', { text: 'The owner writes in British English.', pinned: true });
    await env.t.call('memories.create', { text: 'The owner keeps bees on the roof in Leeds.' });
    await env.t.call('memories.create', { text: 'The owner dislikes jazz.' });
    const { run } = await startSwarm(
      {
        plan: [{ id: 'bees', title: 'Plan the beehive inspection', role: 'Beekeeper' }],
        workers: { bees: { replies: [{ tokens: ['Inspect in spring.'] }] } },
      },
      'Make a beehive inspection schedule for my bees.',
    );
    expect((await ended(run.id)).status).toBe('done');
    const sent = (marker: string) =>
      JSON.stringify(env.fake.requests.find((r) => JSON.stringify(r.body).includes(marker))?.body);
    for (const prompt of [sent('Split the owner'), sent('Subtask id: bees.')]) {
      expect(prompt).toContain('What you know about the owner');
      expect(prompt).toContain('British English'); // pinned: always
      expect(prompt).toContain('bees on the roof in Leeds'); // relevant to the task
      expect(prompt).not.toContain('jazz'); // not relevant
    }
  });

  it('stores every event, so a finished run replays exactly as it went live', async () => {
    const { run } = await startSwarm({
      plan: [{ id: 'only', title: 'Only step' }],
      workers: { only: { replies: [{ tokens: ['Done.'] }] } },
    });
    await ended(run.id);
    const live = swarmEvents(run.id);
    const stored = await env.t.call('swarm.events', { runId: run.id });
    expect(stored.hasMore).toBe(false);
    expect(stored.events).toEqual(live);
    expect(stored.events.map((e) => e.seq)).toEqual(live.map((_, i) => i + 1));
    const paged = await env.t.call('swarm.events', { runId: run.id, afterSeq: 3, limit: 2 });
    expect(paged.events.map((e) => e.seq)).toEqual([4, 5]);
    expect(paged.hasMore).toBe(true);

    // Survives a restart: the run, its agents and its events are on disk.
    await env.t.restart();
    const again = await env.t.call('swarm.get', { runId: run.id });
    expect(again.run.status).toBe('done');
    expect(again.agents.map((a) => a.role)).toEqual(['coordinator', 'worker', 'reviewer']);
    expect(again.agents.every((a) => a.status === 'done')).toBe(true);
    expect((await env.t.call('swarm.events', { runId: run.id })).events).toEqual(live);
    const { runs } = await env.t.call('swarm.list', { conversationId: run.conversationId });
    expect(runs.map((r) => r.id)).toEqual([run.id]);
  });

  it('retries a failing worker once, then marks it failed and carries on with what it has', async () => {
    // A refusal that waiting cannot fix (a rate limit would be waited out within the turn).
    const { run, assistantMessage } = await startSwarm({
      plan: [
        { id: 'flaky', title: 'Flaky' },
        { id: 'broken', title: 'Broken' },
        { id: 'sum', title: 'Sum up', dependsOn: ['flaky', 'broken'] },
      ],
      workers: {
        flaky: { replies: [{ status: 400 }, { tokens: ['Second try worked.'] }] },
        broken: { replies: [{ status: 400 }] },
        sum: { replies: [{ tokens: ['Summed.'] }] },
      },
      merge: 'Partial answer.',
    });
    const end = await ended(run.id);
    expect(end.status).toBe('done');
    const { agents } = await env.t.call('swarm.get', { runId: run.id });
    const flaky = agents.find((a) => a.title === 'Flaky')!;
    const broken = agents.find((a) => a.title === 'Broken')!;
    expect(flaky).toMatchObject({ status: 'done', attempt: 2, output: 'Second try worked.' });
    expect(broken).toMatchObject({ status: 'failed', attempt: 2 });
    expect(broken.error?.code).toBe('PROVIDER_ERROR');
    expect(statusesOf(run.id, flaky.id)).toEqual(['thinking', 'retrying', 'thinking', 'done']);
    // The dependent ran with the one result and a note about the failure.
    const sumRequest = env.fake.requests.find((r) => JSON.stringify(r.body).includes('Subtask id: sum.'));
    expect(JSON.stringify(sumRequest?.body)).toContain('Second try worked.');
    expect(JSON.stringify(sumRequest?.body)).toContain('not available');
    expect(end.usage.agents).toBe(7); // coordinator, 3 workers, 2 retries, reviewer
    expect((await hostMessage(assistantMessage.id)).content).toBe('Partial answer.');
  });

  it('stops the whole swarm when a budget is spent, with the reason', async () => {
    const { run, assistantMessage } = await startSwarm(
      {
        plan: [
          { id: 'big', title: 'Big' },
          { id: 'small', title: 'Small', dependsOn: ['big'] },
        ],
        workers: {
          big: { replies: [{ tokens: ['Lots.'], usage: { input: 5_000, output: 10 } }] },
          small: { replies: [{ tokens: ['Never.'] }] },
        },
      },
      'A task',
      { tokens: 2_000 },
    );
    const end = await ended(run.id);
    expect(end.status).toBe('failed');
    expect(end.error).toMatchObject({ code: 'BUDGET_EXHAUSTED' });
    expect(end.error?.message).toContain('2,000 tokens');
    const message = await hostMessage(assistantMessage.id);
    expect(message.status).toBe('error');
    expect(message.error?.code).toBe('BUDGET_EXHAUSTED');
    expect(env.fake.requests.some((r) => JSON.stringify(r.body).includes('Subtask id: small.'))).toBe(false);
  });

  it('refuses a plan bigger than the agent budget, asks again, and runs the second plan', async () => {
    let planned = 0;
    const responder = swarmResponder({
      plan: [{ id: 'x', title: 'X' }],
      workers: { x: { replies: [{ tokens: ['X done.'] }] } },
    });
    env.fake.responder = (body) => {
      const system = JSON.stringify(body);
      if (system.includes('Split the owner') && planned++ === 0) {
        const subtasks = ['p', 'q', 'r', 's'].map((id) => ({
          id,
          title: id,
          role: 'W',
          instructions: 'go',
          dependsOn: [id === 'p' ? 's' : 'p'],
          tools: [],
        }));
        return { tokens: [JSON.stringify({ subtasks })] };
      }
      return responder.respond(body);
    };
    const conv = await env.t.call('conversations.create', {});
    const { run } = await env.t.call('swarm.start', {
      conversationId: conv.id,
      task: 'Plan me',
      clientMessageId: 'p1',
      budget: { maxAgents: 4 },
    });
    const end = await ended(run.id);
    expect(end.status).toBe('done');
    const replan = env.fake.requests.filter((r) => JSON.stringify(r.body).includes('Split the owner'))[1];
    expect(JSON.stringify(replan?.body)).toContain('The plan has 4 subtasks; the budget allows at most 2');
  });

  it('fails with a clear reason when the coordinator never answers with a usable plan', async () => {
    const { run } = await startSwarm({ plan: 'I would rather not plan.', workers: {} });
    const end = await ended(run.id);
    expect(end.status).toBe('failed');
    expect(end.error?.code).toBe('AGENT_FAILED');
    expect(end.error?.message).toContain('could not make a usable plan');
  });

  it('has the reviewer send a draft back once and lands the revision', async () => {
    const { run, assistantMessage } = await startSwarm({
      plan: [{ id: 'w', title: 'W' }],
      workers: { w: { replies: [{ tokens: ['Fact.'] }] } },
      merge: 'Draft.',
      review: { approved: false, notes: 'Cite the fact.' },
      revised: 'Revised with the fact.',
    });
    expect((await ended(run.id)).finalAnswer).toBe('Revised with the fact.');
    expect((await hostMessage(assistantMessage.id)).content).toBe('Revised with the fact.');
    const revise = swarmEvents(run.id).find((e) => e.type === 'agent.message' && e.kind === 'revise');
    expect(revise).toMatchObject({ text: 'Cite the fact.' });
  });

  it('stops one worker while the others carry on', async () => {
    const { run } = await startSwarm({
      plan: [
        { id: 'slow', title: 'Slow' },
        { id: 'quick', title: 'Quick' },
      ],
      workers: {
        slow: { replies: [{ tokens: Array.from({ length: 200 }, () => 'tick '), delayMs: 25 }] },
        quick: { replies: [{ tokens: ['Quick result.'] }] },
      },
      merge: 'Answer without the slow part.',
    });
    const slowText = await env.t.waitFor((f) => {
      const e = f.event === 'swarm.event' ? (f.payload as { event: SwarmEvent }).event : null;
      return e?.type === 'agent.text' && agentByTitle(run.id, 'Slow')?.id === e.agentId;
    });
    const slowId = (slowText.payload as { event: Extract<SwarmEvent, { type: 'agent.text' }> }).event.agentId;
    expect(await env.t.call('swarm.stopAgent', { runId: run.id, agentId: slowId })).toEqual({
      stopped: true,
    });
    const end = await ended(run.id);
    expect(end).toMatchObject({ status: 'done', finalAnswer: 'Answer without the slow part.' });
    const { agents } = await env.t.call('swarm.get', { runId: run.id });
    expect(agents.find((a) => a.id === slowId)).toMatchObject({ status: 'stopped', attempt: 1 });
    expect(agents.find((a) => a.title === 'Quick')?.status).toBe('done');
    const merge = env.fake.requests.find((r) => JSON.stringify(r.body).includes('write the final answer'));
    expect(JSON.stringify(merge?.body)).toContain('was stopped');
  });

  it('stops the whole swarm: agents stop, the message keeps what finished', async () => {
    const { run, assistantMessage } = await startSwarm({
      plan: [
        { id: 'done1', title: 'Done early' },
        { id: 'endless', title: 'Endless', dependsOn: ['done1'] },
      ],
      workers: {
        done1: { replies: [{ tokens: ['Early result.'] }] },
        endless: { replies: [{ tokens: Array.from({ length: 400 }, () => 'x '), delayMs: 25 }] },
      },
    });
    await env.t.waitFor((f) => {
      const e = f.event === 'swarm.event' ? (f.payload as { event: SwarmEvent }).event : null;
      return e?.type === 'agent.text' && agentByTitle(run.id, 'Endless')?.id === e.agentId;
    });
    expect(await env.t.call('swarm.stop', { runId: run.id })).toEqual({ stopped: true });
    const end = (await env.t.call('swarm.get', { runId: run.id })).run;
    expect(end.status).toBe('stopped');
    const message = await hostMessage(assistantMessage.id);
    expect(message.status).toBe('stopped');
    expect(message.content).toContain('Early result.');
    const { agents } = await env.t.call('swarm.get', { runId: run.id });
    expect(agents.every((a) => ['done', 'stopped'].includes(a.status))).toBe(true);
    // The conversation is free again.
    env.fake.responder = null;
    await expect(
      env.t.call('chat.send', {
        conversationId: run.conversationId,
        text: 'Thanks',
        clientMessageId: 'after',
      }),
    ).resolves.toBeTruthy();
  });

  it("the conversation's Stop stops the swarm running in it", async () => {
    const { run, conv, assistantMessage } = await startSwarm({
      plan: [{ id: 'long', title: 'Long' }],
      workers: { long: { replies: [{ tokens: Array.from({ length: 400 }, () => 'y '), delayMs: 20 }] } },
    });
    await env.t.waitFor((f) => {
      const e = f.event === 'swarm.event' ? (f.payload as { event: SwarmEvent }).event : null;
      return e?.type === 'agent.text';
    });
    expect(await env.t.call('chat.stop', { conversationId: conv.id })).toEqual({ stopped: true });
    expect((await env.t.call('swarm.get', { runId: run.id })).run.status).toBe('stopped');
    expect((await hostMessage(assistantMessage.id)).status).toBe('stopped');
    expect(await env.t.call('chat.stop', { conversationId: conv.id })).toEqual({ stopped: false });
  });

  it('pauses before the next model call and resumes', async () => {
    // Every gate a waiter meets, to see the next agent held at the run's (instead of waiting a while).
    const gates = new Set<PauseGate>();
    const wait = PauseGate.prototype.wait;
    const spy = vi.spyOn(PauseGate.prototype, 'wait').mockImplementation(function (this: PauseGate, signal) {
      gates.add(this);
      return wait.call(this, signal);
    });
    onTestFinished(() => spy.mockRestore());
    const { run } = await startSwarm({
      plan: [
        { id: 'one', title: 'One', dependsOn: [] },
        { id: 'two', title: 'Two', dependsOn: ['one'] },
      ],
      workers: {
        one: { replies: [{ tokens: Array.from({ length: 10 }, () => 'w '), delayMs: 20 }] },
        two: { replies: [{ tokens: ['Two.'] }] },
      },
    });
    await env.t.waitFor((f) => {
      const e = f.event === 'swarm.event' ? (f.payload as { event: SwarmEvent }).event : null;
      return (
        e?.type === 'agent.status' && e.status === 'thinking' && agentByTitle(run.id, 'One')?.id === e.agentId
      );
    });
    const paused = await env.t.call('swarm.pause', { runId: run.id });
    expect(paused.run.status).toBe('paused');
    const one = agentByTitle(run.id, 'One');
    await env.t.waitFor((f) => {
      const e = f.event === 'swarm.event' ? (f.payload as { event: SwarmEvent }).event : null;
      return e?.type === 'agent.status' && e.agentId === one.id && e.status === 'done';
    });
    // While paused, the next agent waits at the run's gate and does not call the model.
    await vi.waitFor(() => expect([...gates].some((g) => g.paused && g.waiting === 1)).toBe(true));
    expect(env.fake.requests.some((r) => JSON.stringify(r.body).includes('Subtask id: two.'))).toBe(false);
    expect((await env.t.call('swarm.resume', { runId: run.id })).run.status).toBe('running');
    expect((await ended(run.id)).status).toBe('done');
    expect(env.fake.requests.some((r) => JSON.stringify(r.body).includes('Subtask id: two.'))).toBe(true);
  });

  it('keeps a conversation with a running swarm from starting a chat reply, and a resend from starting twice', async () => {
    const { run, conv } = await startSwarm({
      plan: [{ id: 'w', title: 'W' }],
      workers: { w: { replies: [{ tokens: Array.from({ length: 30 }, () => 'a '), delayMs: 10 }] } },
    });
    await expect(
      env.t.call('chat.send', { conversationId: conv.id, text: 'hi', clientMessageId: 'x' }),
    ).rejects.toMatchObject({ code: 'BUSY' });
    const again = await env.t.call('swarm.start', {
      conversationId: conv.id,
      task: 'Compare three things.',
      clientMessageId: 'swarm-1',
    });
    expect(again.run.id).toBe(run.id);
    await ended(run.id);
    expect((await env.t.call('swarm.list', { conversationId: conv.id })).runs).toHaveLength(1);
  });

  it('a graceful shutdown stops running swarms and keeps their events', async () => {
    const { run, assistantMessage } = await startSwarm({
      plan: [{ id: 'w', title: 'W' }],
      workers: { w: { replies: [{ tokens: Array.from({ length: 400 }, () => 'a '), delayMs: 20 }] } },
    });
    await env.t.waitFor(
      (f) => f.event === 'swarm.event' && (f.payload as { event: SwarmEvent }).event.type === 'agent.text',
    );
    await env.t.restart();
    const { run: after, agents } = await env.t.call('swarm.get', { runId: run.id });
    expect(after.status).toBe('stopped');
    expect(agents.every((a) => ['done', 'failed', 'stopped'].includes(a.status))).toBe(true);
    const { events } = await env.t.call('swarm.events', { runId: run.id });
    expect(events.at(-1)).toMatchObject({ type: 'run.status', status: 'stopped' });
    const page = await env.t.call('messages.page', {
      conversationId: run.conversationId,
      offset: 0,
      limit: 5,
    });
    expect(page.messages.find((m) => m.id === assistantMessage.id)?.status).toBe('stopped');
  });

  it('after a crash, a run left going on disk ends as failed with why, its events kept', async () => {
    const { run } = await startSwarm({
      plan: [{ id: 'w', title: 'W' }],
      workers: { w: { replies: [{ tokens: ['ok'] }] } },
    });
    await ended(run.id);
    const before = (await env.t.call('swarm.events', { runId: run.id })).events.length;
    // What a crash mid-run leaves behind: the run and an agent still marked as going.
    await env.t.core.stop();
    const storage = new StorageService(env.t.dataDir);
    await storage.start();
    const stored = (await storage.db.get<{ data: string }>('SELECT data FROM swarm_runs WHERE id = ?', [
      run.id,
    ]))!;
    await storage.db.run('UPDATE swarm_runs SET status = ?, data = ? WHERE id = ?', [
      'running',
      JSON.stringify({ ...JSON.parse(stored.data), status: 'running', endedAt: null }),
      run.id,
    ]);
    await storage.db.run(
      `UPDATE swarm_agents SET data = json_set(data, '$.status', 'thinking') WHERE run_id = ? AND json_extract(data, '$.role') = 'worker'`,
      [run.id],
    );
    await storage.stop();
    await env.t.restart();
    const { run: after, agents } = await env.t.call('swarm.get', { runId: run.id });
    expect(after.status).toBe('failed');
    expect(after.error?.message).toContain('Interrupted');
    expect(agents.find((a) => a.role === 'worker')?.status).toBe('stopped');
    const { events } = await env.t.call('swarm.events', { runId: run.id });
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({ type: 'run.status', status: 'failed', seq: before + 1 });
  });

  it("the owner's default budget is kept in Settings, applies to the next run, and a start may override it", async () => {
    const defaults = await env.t.call('settings.getSwarmBudget');
    expect(defaults).toMatchObject({ maxAgents: 12, concurrency: 3 });
    const saved = await env.t.call('settings.setSwarmBudget', { ...defaults, maxAgents: 6, costUsd: 0.5 });
    expect(saved).toMatchObject({ maxAgents: 6, costUsd: 0.5 });
    await expect(
      env.t.call('settings.setSwarmBudget', { ...defaults, concurrency: 0 }),
    ).rejects.toMatchObject({
      code: 'BAD_PARAMS',
    });
    await env.t.restart();
    expect(await env.t.call('settings.getSwarmBudget')).toEqual(saved);
    const { run } = await startSwarm(
      { plan: [{ id: 'w', title: 'W' }], workers: { w: { replies: [{ tokens: ['ok'] }] } } },
      'Budgeted',
      { toolCalls: 3 },
    );
    expect(run.budget).toEqual({ ...saved, toolCalls: 3 });
    await ended(run.id);
  });

  it('rejects bad input with stable codes', async () => {
    await expect(env.t.call('swarm.get', { runId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(env.t.call('swarm.stopAgent', { runId: 'nope', agentId: 'x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const conv = await env.t.call('conversations.create', {});
    await expect(
      env.t.call('swarm.start', { conversationId: conv.id, task: '  ', clientMessageId: 'e' }),
    ).rejects.toMatchObject({ code: 'BAD_PARAMS' });
    await expect(
      env.t.call('swarm.start', {
        conversationId: conv.id,
        task: 'x',
        clientMessageId: 'e',
        budget: { maxAgents: 1 },
      }),
    ).rejects.toMatchObject({ code: 'BAD_PARAMS' });
    await expect(
      env.t.call('swarm.start', { conversationId: 'missing', task: 'x', clientMessageId: 'e' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('workers and the kernel', () => {
  it("a worker's tool call goes through permissions and the sandbox; its request shows on its node", async () => {
    const { run, assistantMessage } = await startSwarm({
      plan: [{ id: 'writer', title: 'Write the note', tools: ['shell'] }],
      workers: {
        writer: {
          replies: [
            {
              toolCalls: [
                { name: 'shell', input: { command: 'echo swarm > note.txt', reason: 'Save the note' } },
              ],
            },
          ],
          afterTool: { tokens: ['Note written.'] },
        },
      },
      merge: 'The note is saved.',
    });
    const asked = await env.t.waitFor((f) => f.event === 'permission.requested', 20_000);
    const { request } = asked.payload as {
      request: {
        id: string;
        messageId: string;
        conversationId: string;
        toolCallId: string;
        workspace: string;
      };
    };
    // In the conversation, under the swarm's message…
    expect(request).toMatchObject({ conversationId: run.conversationId, messageId: assistantMessage.id });
    // …and on the worker's node.
    const onNode = await env.t.waitFor((f) => {
      const e = f.event === 'swarm.event' ? (f.payload as { event: SwarmEvent }).event : null;
      return e?.type === 'agent.permission' && e.requestId === request.id;
    });
    const event = (onNode.payload as { event: Extract<SwarmEvent, { type: 'agent.permission' }> }).event;
    const writer = agentByTitle(run.id, 'Write the note');
    expect(event).toMatchObject({ agentId: writer.id, toolCallId: request.toolCallId });
    expect(event.display).toContain('echo swarm > note.txt');
    await env.t.waitFor((f) => {
      const e = f.event === 'swarm.event' ? (f.payload as { event: SwarmEvent }).event : null;
      return e?.type === 'agent.status' && e.agentId === writer.id && e.status === 'permission';
    });
    await env.t.call('permissions.respond', { requestId: request.id, decision: 'allow-once' });
    expect((await ended(run.id)).status).toBe('done');
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(`${request.workspace}/note.txt`, 'utf8')).toBe('swarm\n');
    const result = swarmEvents(run.id).find((e) => e.type === 'agent.toolResult');
    expect(result).toMatchObject({ agentId: writer.id, status: 'done' });
    const { agents } = await env.t.call('swarm.get', { runId: run.id });
    expect(agents.find((a) => a.id === writer.id)).toMatchObject({
      toolCalls: 1,
      status: 'done',
      output: 'Note written.',
    });
    const audit = (await env.t.call('audit.list', { limit: 20 })).records.map((r) => r.kind);
    expect(audit).toEqual(expect.arrayContaining(['permission.grant', 'tool.call', 'tool.result']));
  });

  it("the coordinator may give a worker another of the provider's models; one it does not list is refused", async () => {
    let planned = 0;
    const responder = swarmResponder({
      plan: [
        { id: 'hard', title: 'Hard part', model: 'fake-large' },
        { id: 'easy', title: 'Easy part' },
      ],
      workers: { hard: { replies: [{ tokens: ['Deep.'] }] }, easy: { replies: [{ tokens: ['Quick.'] }] } },
    });
    env.fake.responder = (body) => {
      if (JSON.stringify(body).includes('Split the owner') && planned++ === 0) {
        const subtasks = [
          {
            id: 'x',
            title: 'X',
            role: 'W',
            instructions: 'go',
            dependsOn: [],
            tools: [],
            model: 'gpt-imaginary',
          },
        ];
        return { tokens: [JSON.stringify({ subtasks })] };
      }
      return responder.respond(body);
    };
    const conv = await env.t.call('conversations.create', {});
    const { run } = await env.t.call('swarm.start', {
      conversationId: conv.id,
      task: 'Mixed',
      clientMessageId: 'm',
    });
    expect((await ended(run.id)).status).toBe('done');
    const plans = env.fake.requests.filter((r) => JSON.stringify(r.body).includes('Split the owner'));
    expect(JSON.stringify(plans[0]?.body)).toContain('fake-small, fake-large');
    expect(JSON.stringify(plans[1]?.body)).toContain('asks for the model \\"gpt-imaginary\\"');
    const modelOf = (id: string) =>
      (
        env.fake.requests.find((r) => JSON.stringify(r.body).includes(`Subtask id: ${id}.`))?.body as {
          model: string;
        }
      ).model;
    expect(modelOf('hard')).toBe('fake-large');
    expect(modelOf('easy')).toBe('fake-small');
    const { agents } = await env.t.call('swarm.get', { runId: run.id });
    expect(agents.find((a) => a.title === 'Hard part')?.model).toBe('fake-large');
  });

  it('stopping a worker that waits for permission withdraws its request; the run goes on', async () => {
    const { run } = await startSwarm({
      plan: [
        { id: 'asker', title: 'Asker', tools: ['shell'] },
        { id: 'other', title: 'Other' },
      ],
      workers: {
        asker: { replies: [{ toolCalls: [{ name: 'shell', input: { command: 'touch never' } }] }] },
        other: { replies: [{ tokens: ['Other result.'] }] },
      },
      merge: 'Answer from the other worker.',
    });
    const asked = await env.t.waitFor((f) => f.event === 'permission.requested', 20_000);
    const { request } = asked.payload as { request: { id: string } };
    const asker = agentByTitle(run.id, 'Asker');
    await env.t.waitFor((f) => {
      const e = f.event === 'swarm.event' ? (f.payload as { event: SwarmEvent }).event : null;
      return e?.type === 'agent.status' && e.agentId === asker.id && e.status === 'permission';
    });
    await env.t.call('swarm.stopAgent', { runId: run.id, agentId: asker.id });
    const resolved = await env.t.waitFor(
      (f) =>
        f.event === 'permission.resolved' && (f.payload as { requestId: string }).requestId === request.id,
    );
    expect(resolved.payload).toMatchObject({ decision: 'cancelled' });
    expect((await env.t.call('permissions.pending')).requests).toEqual([]);
    expect((await ended(run.id)).finalAnswer).toBe('Answer from the other worker.');
    const { agents } = await env.t.call('swarm.get', { runId: run.id });
    expect(agents.find((a) => a.id === asker.id)?.status).toBe('stopped');
  });

  it('a worker only gets the tools its subtask names', async () => {
    const { run } = await startSwarm({
      plan: [
        { id: 'thinker', title: 'Think', tools: [] },
        { id: 'reader', title: 'Read', tools: ['read_file'] },
      ],
      workers: {
        thinker: { replies: [{ tokens: ['Thought.'] }] },
        reader: { replies: [{ tokens: ['Read.'] }] },
      },
    });
    await ended(run.id);
    const toolsOf = (id: string) => {
      const req = env.fake.requests.find((r) => JSON.stringify(r.body).includes(`Subtask id: ${id}.`));
      return ((req?.body as { tools?: { function: { name: string } }[] }).tools ?? []).map(
        (x) => x.function.name,
      );
    };
    expect(toolsOf('thinker')).toEqual([]);
    expect(toolsOf('reader')).toEqual(['read_file']);
  });
});

describe('proposals', () => {
  it('an agent proposes a swarm; the owner accepts; the answer comes back to the agent', async () => {
    const responder = swarmResponder({
      plan: [{ id: 'w', title: 'W' }],
      workers: { w: { replies: [{ tokens: ['Worker fact.'] }] } },
      merge: 'Swarm answer.',
    });
    let asked = 0;
    env.fake.responder = (body) => {
      const swarm = responder.respond(body);
      if (swarm) return swarm;
      // The chat agent: first it proposes, then it answers with the tool's result.
      return asked++ === 0
        ? { toolCalls: [{ name: 'propose_swarm', input: { task: 'Research it', reason: 'Big job' } }] }
        : { tokens: ['The swarm said so.'] };
    };
    const conv = await env.t.call('conversations.create', {});
    const sent = await env.t.call('chat.send', {
      conversationId: conv.id,
      text: 'Research it',
      clientMessageId: 'c',
    });
    const proposed = await env.t.waitFor((f: EventFrame) => f.event === 'swarm.proposed');
    const { proposal } = proposed.payload as { proposal: { id: string; task: string; reason: string } };
    expect(proposal).toMatchObject({ task: 'Research it', reason: 'Big job' });
    expect((await env.t.call('swarm.proposals', { conversationId: conv.id })).proposals).toHaveLength(1);
    const { run } = await env.t.call('swarm.respond', { proposalId: proposal.id, accept: true });
    expect(run?.messageId).toBe(sent.assistantMessage.id);
    const reply = await hostMessage(sent.assistantMessage.id);
    expect(reply).toMatchObject({ status: 'complete', content: 'The swarm said so.' });
    const toolResult = env.fake.requests.at(-1)!;
    expect(JSON.stringify(toolResult.body)).toContain('Swarm answer.');
    await expect(
      env.t.call('swarm.respond', { proposalId: proposal.id, accept: true }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('a declined proposal tells the agent, and no swarm runs', async () => {
    let asked = 0;
    env.fake.responder = () =>
      asked++ === 0
        ? { toolCalls: [{ name: 'propose_swarm', input: { task: 'Big' } }] }
        : { tokens: ['Fine, alone then.'] };
    const conv = await env.t.call('conversations.create', {});
    const sent = await env.t.call('chat.send', { conversationId: conv.id, text: 'Go', clientMessageId: 'c' });
    const proposed = await env.t.waitFor((f) => f.event === 'swarm.proposed');
    const { proposal } = proposed.payload as { proposal: { id: string } };
    expect(await env.t.call('swarm.respond', { proposalId: proposal.id, accept: false })).toEqual({
      run: null,
    });
    expect((await hostMessage(sent.assistantMessage.id)).content).toBe('Fine, alone then.');
    expect(JSON.stringify(env.fake.requests.at(-1)!.body)).toContain('declined');
    expect((await env.t.call('swarm.list', {})).runs).toHaveLength(0);
  });
});
