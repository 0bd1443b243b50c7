import { afterEach, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../../fixtures/fake-openai.js';
import { swarmResponder, type SwarmScript } from '../../fixtures/swarm-script.js';
import type { TestCore } from '../../helpers/core.js';
import { enableMesh, pairCores, startMeshCore } from '../../helpers/mesh.js';
import type { EventFrame } from '../../../src-main/core/protocol/frames.js';
import type { PermissionRequest } from '../../../src-main/core/protocol/kernel-entities.js';
import type { SwarmEvent, SwarmRun } from '../../../src-main/core/protocol/swarm-entities.js';

interface Instance {
  t: TestCore;
  fake: FakeOpenAI;
  peerId: string;
}

const swarmEvent = (f: EventFrame): SwarmEvent | null =>
  f.event === 'swarm.event' ? (f.payload as { event: SwarmEvent }).event : null;

function ended(t: TestCore, runId: string): Promise<SwarmRun> {
  return t
    .waitFor((f) => {
      const run = f.event === 'swarm.updated' ? (f.payload as { run: SwarmRun }).run : null;
      return run?.id === runId && ['done', 'failed', 'stopped'].includes(run.status);
    }, 30_000)
    .then((f) => (f.payload as { run: SwarmRun }).run);
}

describe('swarm workers on a paired peer', () => {
  const instances: Instance[] = [];
  afterEach(async () => {
    for (const i of instances.splice(0)) {
      await i.t.close();
      await i.fake.stop();
    }
  });

  async function instance(name: string, models: string[], allowRemoteWork: boolean): Promise<Instance> {
    const fake = new FakeOpenAI({ models, knownModels: models });
    await fake.start();
    const t = await startMeshCore();
    await t.call('providers.save', {
      kind: 'openai-compatible',
      name: 'Fake',
      baseUrl: fake.baseUrl,
      defaultModel: models[0]!,
    });
    const status = await enableMesh(t, name, allowRemoteWork);
    const i = { t, fake, peerId: status.peerId! };
    instances.push(i);
    return i;
  }

  async function startSwarm(on: Instance, script: SwarmScript, others: Instance[]) {
    for (const i of [on, ...others]) i.fake.responder = swarmResponder(script).respond;
    const conv = await on.t.call('conversations.create', {});
    return on.t.call('swarm.start', {
      conversationId: conv.id,
      task: 'Split the work.',
      clientMessageId: 'm1',
    });
  }

  it('places a worker on the peer that has its model; it runs there and its answer comes back', async () => {
    const laptop = await instance('laptop', ['fake-small'], false);
    const desktop = await instance('desktop', ['fake-gpu'], true);
    await pairCores(laptop.t, desktop.t);
    const { run } = await startSwarm(
      laptop,
      {
        plan: [
          { id: 'here', title: 'Local part' },
          { id: 'there', title: 'GPU part', model: 'fake-gpu' },
        ],
        workers: {
          here: { replies: [{ tokens: ['Done ', 'here.'] }] },
          there: { replies: [{ tokens: ['Done ', 'on the GPU.'] }] },
        },
        merge: 'Both parts are done.',
      },
      [desktop],
    );
    expect((await ended(laptop.t, run.id)).status).toBe('done');
    const { agents } = await laptop.t.call('swarm.get', { runId: run.id });
    const gpu = agents.find((a) => a.title === 'GPU part')!;
    expect(gpu).toMatchObject({ status: 'done', output: 'Done on the GPU.' });
    expect(gpu.machine).toEqual({ peerId: desktop.peerId, name: 'desktop' });
    expect(agents.find((a) => a.title === 'Local part')!.machine).toEqual({ peerId: null, name: 'laptop' });
    const placed = laptop.t.events
      .map(swarmEvent)
      .find((e) => e?.type === 'agent.placed' && e.agentId === gpu.id);
    expect(placed).toMatchObject({ machine: { name: 'desktop' }, reason: 'desktop has fake-gpu' });
    // The worker's model call went to the desktop's own provider, not the laptop's.
    expect(desktop.fake.requests.some((r) => JSON.stringify(r.body).includes('Subtask id: there.'))).toBe(
      true,
    );
    expect(laptop.fake.requests.some((r) => JSON.stringify(r.body).includes('Subtask id: there.'))).toBe(
      false,
    );
    // The desktop keeps a record of what ran on it.
    const mirrored = (await desktop.t.call('conversations.list', {})).conversations;
    expect(mirrored.some((c) => c.title.startsWith('From laptop:'))).toBe(true);
    const audit = await desktop.t.call('audit.list', { limit: 50 });
    expect(audit.records.some((r) => r.kind === 'mesh.remote' && r.outcome.includes('GPU part'))).toBe(true);
  });

  it("shows a remote worker's permission request in the swarm's window; the signed answer lets the peer's kernel run it", async () => {
    const laptop = await instance('laptop', ['fake-small'], false);
    const desktop = await instance('desktop', ['fake-gpu'], true);
    await pairCores(laptop.t, desktop.t);
    const { run, assistantMessage } = await startSwarm(
      laptop,
      {
        plan: [{ id: 'there', title: 'Write there', model: 'fake-gpu', tools: ['shell'] }],
        workers: {
          there: {
            replies: [
              { toolCalls: [{ name: 'shell', input: { command: 'echo far > far.txt', reason: 'Note it' } }] },
            ],
            afterTool: { tokens: ['Written on the desktop.'] },
          },
        },
        merge: 'Written.',
      },
      [desktop],
    );
    const asked = await laptop.t.waitFor((f) => f.event === 'permission.requested', 30_000);
    const { request } = asked.payload as { request: PermissionRequest };
    expect(request).toMatchObject({
      conversationId: run.conversationId,
      messageId: assistantMessage.id,
      machine: 'desktop',
    });
    expect(request.display).toContain('echo far > far.txt');
    expect((await laptop.t.call('permissions.pending', {})).requests.map((r) => r.id)).toContain(request.id);
    // A standing rule for the desktop is not the laptop's to make.
    await expect(
      laptop.t.call('permissions.respond', { requestId: request.id, decision: 'allow-always' }),
    ).rejects.toMatchObject({ code: 'BAD_PARAMS' });
    await laptop.t.call('permissions.respond', { requestId: request.id, decision: 'allow-once' });
    expect((await ended(laptop.t, run.id)).status).toBe('done');
    const { agents } = await laptop.t.call('swarm.get', { runId: run.id });
    expect(agents.find((a) => a.title === 'Write there')).toMatchObject({
      output: 'Written on the desktop.',
      toolCalls: 1,
    });
    // The desktop's own kernel ran it and recorded who answered.
    const records = (await desktop.t.call('audit.list', { limit: 50 })).records;
    expect(records.some((r) => r.kind === 'mesh.remote' && r.outcome.includes('allow-once'))).toBe(true);
    expect(records.some((r) => r.kind === 'tool.result')).toBe(true);
  });

  it('moves a worker whose peer vanishes mid-task, with the reason on the graph', async () => {
    const laptop = await instance('laptop', ['fake-small'], false);
    const desktop = await instance('desktop', ['fake-small'], true);
    await pairCores(laptop.t, desktop.t);
    const script: SwarmScript = {
      plan: [{ id: 'there', title: 'Long part', machine: 'desktop' }],
      workers: { there: { replies: [{ tokens: ['Still ', 'going ', 'on ', 'and ', 'on.'] }] } },
      merge: 'Finished anyway.',
    };
    // The desktop's model is slow, so the worker is surely mid-task when it goes.
    desktop.fake.responder = (body) => ({ ...swarmResponder(script).respond(body)!, delayMs: 2_000 });
    laptop.fake.responder = swarmResponder(script).respond;
    const conv = await laptop.t.call('conversations.create', {});
    const { run } = await laptop.t.call('swarm.start', {
      conversationId: conv.id,
      task: 'Go.',
      clientMessageId: 'm2',
    });
    const placed = await laptop.t.waitFor((f) => swarmEvent(f)?.type === 'agent.placed', 30_000);
    const agentId = (swarmEvent(placed) as Extract<SwarmEvent, { type: 'agent.placed' }>).agentId;
    await laptop.t.waitFor((f) => {
      const e = swarmEvent(f);
      return e?.type === 'agent.status' && e.agentId === agentId && e.status === 'thinking';
    });
    // Killed mid-task: the desktop instance stops (its libp2p connection goes with it).
    await desktop.t.close();
    const moved = await laptop.t.waitFor((f) => {
      const e = swarmEvent(f);
      return e?.type === 'agent.placed' && e.agentId === agentId && e.from !== null;
    }, 30_000);
    const event = swarmEvent(moved) as Extract<SwarmEvent, { type: 'agent.placed' }>;
    expect(event.machine).toEqual({ peerId: null, name: 'laptop' });
    expect(event.from?.name).toBe('desktop');
    expect(event.reason).toMatch(/^desktop: /);
    expect((await ended(laptop.t, run.id)).status).toBe('done');
    const { agents } = await laptop.t.call('swarm.get', { runId: run.id });
    expect(agents.find((a) => a.id === agentId)).toMatchObject({
      status: 'done',
      output: 'Still going on and on.',
    });
  });
});
