import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineFrom, NetnsLab } from '../../fixtures/netns-lab.js';
import type { SwarmScript } from '../../fixtures/swarm-script.js';
import { MeshInstance } from '../../helpers/mesh-instance.js';
import type { EventFrame } from '../../../src-main/core/protocol/frames.js';
import type { MeshPairing, MeshPeer, MeshStatus } from '../../../src-main/core/protocol/mesh-entities.js';
import type { Message } from '../../../src-main/core/protocol/entities.js';
import type { SwarmEvent, SwarmRun } from '../../../src-main/core/protocol/swarm-entities.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const peer = (f: EventFrame): MeshPeer | null =>
  f.event === 'mesh.peer' ? (f.payload as { peer: MeshPeer }).peer : null;
const swarmEvent = (f: EventFrame): SwarmEvent | null =>
  f.event === 'swarm.event' ? (f.payload as { event: SwarmEvent }).event : null;
const runEnded = (runId: string) => (f: EventFrame) => {
  const r = f.event === 'swarm.updated' ? (f.payload as { run: SwarmRun }).run : null;
  return r?.id === runId && ['done', 'failed', 'stopped'].includes(r.status);
};

/**
 * Three real instances of one owner, each `cell0 serve` on its own "machine" (a network namespace
 * with its own address, keychain and model server), on one LAN (a bridge): the laptop, a desktop
 * with a model the laptop lacks, and a home server reached by a Tailscale-style name. A fourth
 * namespace holds a stranger.
 */
describe('the mesh between three instances on a network', () => {
  const lab = new NetnsLab();
  const laptop = new MeshInstance(lab, 'laptop', ['fake-small']);
  const desktop = new MeshInstance(lab, 'desktop', ['fake-gpu', 'fake-small']);
  const server = new MeshInstance(lab, 'server', ['fake-small']);
  const all = [laptop, desktop, server];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    await lab.up(['laptop', 'desktop', 'server', 'stranger']);
    lab.resolveNames('laptop', { 'server.tailnet-test.ts.net': lab.ip('server') });
    await Promise.all(all.map((i) => i.start()));
    for (const i of all) {
      await i.client.call('mesh.configure', { enabled: true, name: i.name, allowRemoteWork: i !== laptop });
      const running = await i.waitFor(
        (f) =>
          f.event === 'mesh.updated' && (f.payload as { status: MeshStatus }).status.status === 'running',
      );
      ids[i.name] = (running.payload as { status: MeshStatus }).status.peerId!;
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(all.map((i) => i.stop().catch(() => undefined)));
    await lab.down();
  }, 60_000);

  it('finds the other instances by mDNS and lists them as seen, not paired', async () => {
    for (const other of ['desktop', 'server']) {
      const found = await laptop.waitFor((f) => peer(f)?.peerId === ids[other] && peer(f)?.via === 'mdns');
      expect(peer(found)!.state).toBe('seen');
    }
    const listed = JSON.parse(await laptop.cli('mesh', 'peers', '--json')) as { peers: MeshPeer[] };
    expect(listed.peers.filter((p) => p.state === 'seen').map((p) => p.peerId)).toEqual(
      expect.arrayContaining([ids.desktop, ids.server]),
    );
  }, 90_000);

  it('pairs through `cell0 mesh pair` by host:port and by a MagicDNS name, confirmed on both sides', async () => {
    const targets: [MeshInstance, string][] = [
      [desktop, `${lab.ip('desktop')}:7341`],
      [server, 'server.tailnet-test.ts.net'],
    ];
    for (const [other, address] of targets) {
      const printed = await laptop.cli('mesh', 'pair', address);
      const code = /Code: (\d{3} \d{3})/.exec(printed)![1]!;
      const shown = await other.waitFor((f) => {
        const p = f.event === 'mesh.pairing' ? (f.payload as { pairing: MeshPairing }).pairing : null;
        return p?.direction === 'inbound' && p.code === code;
      });
      expect((shown.payload as { pairing: MeshPairing }).pairing.peerFingerprint).toBe(
        JSON.parse(await laptop.cli('mesh', 'status', '--json')).fingerprint,
      );
      expect(await other.cli('mesh', 'confirm', code.replace(' ', ''))).toContain('Waiting');
      expect(await laptop.cli('mesh', 'confirm', code)).toContain('Paired with');
      await laptop.waitFor(
        (f) =>
          peer(f)?.peerId === ids[other.name] &&
          peer(f)?.capabilities !== null &&
          peer(f)?.state === 'paired',
      );
      await other.waitFor((f) => peer(f)?.peerId === ids.laptop && peer(f)?.state === 'paired');
    }
    const peers = await laptop.cli('mesh', 'peers');
    expect(peers).toMatch(/desktop {2}paired, online/);
    expect(peers).toMatch(/fake-gpu/);
  }, 120_000);

  it('refuses a stranger: its signed requests are refused and audited, and it stays merely seen', async () => {
    const stranger = lab.spawn(
      'stranger',
      process.execPath,
      ['--import', 'tsx', 'test/fixtures/mesh-stranger.ts', `/ip4/${lab.ip('laptop')}/tcp/7341`],
      process.env,
      ROOT,
    );
    // Both lines may come in one chunk: read them together.
    const [, work, caps] = await lineFrom(stranger, /work: (\S+)\ncaps: (\S+)\n/, 'the stranger');
    expect(work).not.toBe('work.accepted');
    expect(caps).not.toBe('caps');
    const audit = await laptop.client.call('audit.list', { limit: 100 });
    const refused = audit.records.filter((r) => r.kind === 'mesh.refused');
    expect(refused.map((r) => r.outcome).join('\n')).toMatch(/refused work\.start from .*: it is not paired/);
    const { peers } = await laptop.client.call('mesh.peers', {});
    expect(
      peers
        .filter((p) => p.state === 'paired')
        .map((p) => p.name)
        .sort(),
    ).toEqual(['desktop', 'server']);
  }, 60_000);

  it('runs a swarm with workers on both peers and brings the answer back to the laptop', async () => {
    const script: SwarmScript = {
      plan: [
        { id: 'gpu', title: 'Render on the GPU', model: 'fake-gpu' },
        { id: 'srv', title: 'Index on the server', machine: 'server' },
      ],
      workers: {
        gpu: { replies: [{ tokens: ['Rendered ', 'on the desktop.'] }] },
        srv: { replies: [{ tokens: ['Indexed ', 'on the server.'] }] },
      },
      merge: 'Both machines answered.',
    };
    await Promise.all(all.map((i) => i.script(script)));
    const conv = await laptop.client.call('conversations.create', {});
    const { run: started, assistantMessage } = await laptop.client.call('swarm.start', {
      conversationId: conv.id,
      task: 'Render and index.',
      clientMessageId: 'mesh-swarm-1',
    });
    const end = await laptop.waitFor(runEnded(started.id));
    expect((end.payload as { run: SwarmRun }).run.status).toBe('done');
    const { agents } = await laptop.client.call('swarm.get', { runId: started.id });
    expect(agents.find((a) => a.title === 'Render on the GPU')).toMatchObject({
      status: 'done',
      output: 'Rendered on the desktop.',
      machine: { peerId: ids.desktop, name: 'desktop' },
    });
    expect(agents.find((a) => a.title === 'Index on the server')).toMatchObject({
      status: 'done',
      output: 'Indexed on the server.',
      machine: { peerId: ids.server, name: 'server' },
    });
    const message = await laptop.waitFor(
      (f) =>
        f.event === 'message.updated' &&
        (f.payload as { message: Message }).message.id === assistantMessage.id,
    );
    expect((message.payload as { message: Message }).message.content).toContain('Both machines answered.');
    // Each peer keeps its own record of the worker it ran.
    for (const other of [desktop, server]) {
      const { conversations } = await other.client.call('conversations.list', {});
      expect(conversations.some((c) => c.title.startsWith('From laptop:'))).toBe(true);
    }
  }, 120_000);

  it('moves a worker off a peer whose link is cut mid-run, says why on the graph, and the peer rejoins', async () => {
    const slow: SwarmScript = {
      plan: [{ id: 'long', title: 'Long job', machine: 'desktop' }],
      workers: { long: { replies: [{ tokens: Array.from({ length: 40 }, (_, i) => `step${i} `) }] } },
      merge: 'Finished without the desktop.',
    };
    await laptop.script(slow);
    await server.script(slow);
    await desktop.script({ ...slow, delayMs: 500 });
    const conv = await laptop.client.call('conversations.create', {});
    const { run: started } = await laptop.client.call('swarm.start', {
      conversationId: conv.id,
      task: 'Take a while.',
      clientMessageId: 'mesh-swarm-2',
    });
    const placed = await laptop.waitFor((f) => {
      const e = swarmEvent(f);
      return e?.type === 'agent.placed' && e.runId === started.id && e.machine.name === 'desktop';
    });
    const agentId = (swarmEvent(placed) as Extract<SwarmEvent, { type: 'agent.placed' }>).agentId;
    // Its text is streaming back from the desktop: mid-task.
    await laptop.waitFor((f) => {
      const e = swarmEvent(f);
      return e?.type === 'agent.text' && e.agentId === agentId;
    });
    lab.link('desktop', 'down');
    const moved = await laptop.waitFor((f) => {
      const e = swarmEvent(f);
      return e?.type === 'agent.placed' && e.agentId === agentId && e.from?.name === 'desktop';
    }, 90_000);
    const event = swarmEvent(moved) as Extract<SwarmEvent, { type: 'agent.placed' }>;
    expect(['laptop', 'server']).toContain(event.machine.name);
    expect(event.reason).toMatch(/^desktop: /);
    const end = await laptop.waitFor(runEnded(started.id), 90_000);
    expect((end.payload as { run: SwarmRun }).run.status).toBe('done');
    await laptop.waitFor((f) => peer(f)?.peerId === ids.desktop && peer(f)?.online === false);

    lab.link('desktop', 'up');
    const back = await laptop.waitFor(
      (f) => peer(f)?.peerId === ids.desktop && peer(f)?.online === true && f.seq > end.seq,
      90_000,
    );
    expect(peer(back)!.state).toBe('paired');
  }, 240_000);

  it('moves a worker off a peer whose process is killed mid-run', async () => {
    const slow: SwarmScript = {
      plan: [{ id: 'long', title: 'Long job', machine: 'server' }],
      workers: { long: { replies: [{ tokens: Array.from({ length: 40 }, (_, i) => `step${i} `) }] } },
      merge: 'Finished without the server.',
    };
    await laptop.script(slow);
    await desktop.script(slow);
    await server.script({ ...slow, delayMs: 500 });
    const conv = await laptop.client.call('conversations.create', {});
    const { run: started } = await laptop.client.call('swarm.start', {
      conversationId: conv.id,
      task: 'Take a while on the server.',
      clientMessageId: 'mesh-swarm-3',
    });
    const placed = await laptop.waitFor((f) => {
      const e = swarmEvent(f);
      return e?.type === 'agent.placed' && e.runId === started.id && e.machine.name === 'server';
    });
    const agentId = (swarmEvent(placed) as Extract<SwarmEvent, { type: 'agent.placed' }>).agentId;
    await laptop.waitFor((f) => {
      const e = swarmEvent(f);
      return e?.type === 'agent.text' && e.agentId === agentId;
    });
    await server.kill();
    const moved = await laptop.waitFor((f) => {
      const e = swarmEvent(f);
      return e?.type === 'agent.placed' && e.agentId === agentId && e.from?.name === 'server';
    }, 90_000);
    const event = swarmEvent(moved) as Extract<SwarmEvent, { type: 'agent.placed' }>;
    expect(['laptop', 'desktop']).toContain(event.machine.name);
    expect(event.reason).toMatch(/^server: /);
    const end = await laptop.waitFor(runEnded(started.id), 90_000);
    expect((end.payload as { run: SwarmRun }).run.status).toBe('done');
  }, 180_000);
});
