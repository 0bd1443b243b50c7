/**
 * bench:mesh — two real instances (`cell0 serve`, each in its own network namespace with its own
 * keychain and fake model server) on one bridged LAN, as the mesh tests run them. Measures:
 * how long a newly started instance takes to find the other by mDNS; the pairing handshake
 * (dial, Noise, the committed nonce exchange, until both screens show the code) and the
 * confirmation round; a one-worker swarm's worker on the peer against the same worker here, with
 * the same fake model; and swarm events per second arriving over the mesh from four remote
 * workers streaming at once. Needs Linux and root (ip netns). The last line is one JSON object.
 */
import { NetnsLab } from '../test/fixtures/netns-lab.js';
import type { SwarmScript } from '../test/fixtures/swarm-script.js';
import { MeshInstance } from '../test/helpers/mesh-instance.js';
import type { EventFrame } from '../src-main/core/protocol/frames.js';
import type { MeshPairing, MeshPeer, MeshStatus } from '../src-main/core/protocol/mesh-entities.js';
import type { SwarmEvent, SwarmRun } from '../src-main/core/protocol/swarm-entities.js';

const PAIRINGS = Number(process.env.BENCH_PAIRINGS ?? 5);
const WORKER_RUNS = Number(process.env.BENCH_WORKER_RUNS ?? 8);
const STREAM_TOKENS = Number(process.env.BENCH_STREAM_TOKENS ?? 3000);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? NaN
    : s.length % 2
      ? s[(s.length - 1) / 2]!
      : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const peer = (f: EventFrame): MeshPeer | null =>
  f.event === 'mesh.peer' ? (f.payload as { peer: MeshPeer }).peer : null;
const swarmEvent = (f: EventFrame): SwarmEvent | null =>
  f.event === 'swarm.event' ? (f.payload as { event: SwarmEvent }).event : null;
const isRunning = (f: EventFrame) =>
  f.event === 'mesh.updated' && (f.payload as { status: MeshStatus }).status.status === 'running';

async function runSwarm(on: MeshInstance, task: string, budget?: object): Promise<SwarmRun> {
  const conv = await on.client.call('conversations.create', {});
  const { run } = await on.client.call('swarm.start', {
    conversationId: conv.id,
    task,
    clientMessageId: `bench-${Math.random()}`,
    ...(budget ? { budget } : {}),
  });
  const end = await on.waitFor((f) => {
    const r = f.event === 'swarm.updated' ? (f.payload as { run: SwarmRun }).run : null;
    return r?.id === run.id && ['done', 'failed', 'stopped'].includes(r.status);
  }, 120_000);
  const ended = (end.payload as { run: SwarmRun }).run;
  if (ended.status !== 'done') throw new Error(`bench swarm ${ended.status}: ${ended.error?.message ?? ''}`);
  return ended;
}

/** From the coordinator's delegation to the worker's "done": the worker's whole turn as the swarm sees it. */
function workerMs(on: MeshInstance, runId: string): number {
  const events = on.events.map(swarmEvent).filter((e): e is SwarmEvent => e?.runId === runId);
  const delegate = events.find((e) => e.type === 'agent.message' && e.kind === 'delegate') as
    Extract<SwarmEvent, { type: 'agent.message' }> | undefined;
  const done = events.find(
    (e) => e.type === 'agent.status' && e.agentId === delegate?.to && e.status === 'done',
  );
  if (!delegate || !done) throw new Error('worker events missing');
  return done.at - delegate.at;
}

async function main(): Promise<void> {
  NetnsLab.check();
  const lab = new NetnsLab();
  const laptop = new MeshInstance(lab, 'laptop', ['fake-small']);
  const desktop = new MeshInstance(lab, 'desktop', ['fake-small']);
  try {
    await lab.up(['laptop', 'desktop']);
    await Promise.all([laptop.start(), desktop.start()]);

    // Discovery: the laptop runs; the desktop starts and looks.
    await laptop.client.call('mesh.configure', { enabled: true, name: 'laptop' });
    const laptopId = (
      await laptop.waitFor(isRunning).then((f) => (f.payload as { status: MeshStatus }).status)
    ).peerId!;
    // From turning the desktop's mesh on (its node starts, then looks) to each seeing the other.
    const turnedOn = performance.now();
    await desktop.client.call('mesh.configure', { enabled: true, name: 'desktop', allowRemoteWork: true });
    const running = await desktop.waitFor(isRunning);
    const nodeStartMs = Math.round(performance.now() - turnedOn);
    const desktopStatus = (running.payload as { status: MeshStatus }).status;
    await desktop.waitFor((f) => peer(f)?.peerId === laptopId && peer(f)?.via === 'mdns');
    const discoveryMs = Math.round(performance.now() - turnedOn);
    await laptop.waitFor((f) => peer(f)?.peerId === desktopStatus.peerId && peer(f)?.via === 'mdns');
    const discoveryBothWaysMs = Math.round(performance.now() - turnedOn);
    console.log(
      `discovery: turned on, the desktop's node ran in ${nodeStartMs} ms, found the laptop by mDNS at ${discoveryMs} ms, and was found at ${discoveryBothWaysMs} ms`,
    );

    // Pairing, PAIRINGS times: handshake until the code shows, then the two confirmations until pinned.
    const handshake: number[] = [];
    const confirm: number[] = [];
    let lastPaired = 0;
    const address = `${lab.ip('desktop')}:7341`;
    for (let i = 0; i < PAIRINGS; i++) {
      const mark = desktop.events.length;
      const t0 = performance.now();
      const { pairing } = await laptop.client.call('mesh.pair', { target: address });
      handshake.push(performance.now() - t0);
      await desktop.waitFor(
        (f) =>
          desktop.events.indexOf(f) >= mark &&
          f.event === 'mesh.pairing' &&
          (f.payload as { pairing: MeshPairing }).pairing.code === pairing.code,
      );
      const t1 = performance.now();
      const before = laptop.events.length;
      lastPaired = before;
      await desktop.client.call('mesh.confirm', { code: pairing.code });
      await laptop.client.call('mesh.confirm', { code: pairing.code });
      await laptop.waitFor(
        (f) =>
          laptop.events.indexOf(f) >= before &&
          peer(f)?.peerId === desktopStatus.peerId &&
          peer(f)?.state === 'paired',
      );
      confirm.push(performance.now() - t1);
      if (i < PAIRINGS - 1) {
        const before = laptop.events.length;
        await laptop.client.call('mesh.unpair', { peer: 'desktop' });
        await laptop.waitFor(
          (f) =>
            laptop.events.indexOf(f) >= before &&
            peer(f)?.peerId === desktopStatus.peerId &&
            peer(f)?.online === false,
        );
      }
    }
    // The last pairing's capabilities, not an earlier one's: the desktop can take workers now.
    await laptop.waitFor(
      (f) =>
        laptop.events.indexOf(f) >= lastPaired &&
        peer(f)?.peerId === desktopStatus.peerId &&
        peer(f)?.state === 'paired' &&
        peer(f)?.online === true &&
        peer(f)?.capabilities?.allowRemoteWork === true,
    );
    console.log(
      `pairing: handshake median ${round(median(handshake))} ms, confirmations median ${round(median(confirm))} ms (${PAIRINGS} pairings)`,
    );

    // One worker, here or on the desktop, same fake model and reply.
    const local: number[] = [];
    const remote: number[] = [];
    for (let i = 0; i < WORKER_RUNS; i++) {
      for (const machine of ['laptop', 'desktop'] as const) {
        const script: SwarmScript = {
          plan: [{ id: 'w', title: 'Worker', machine }],
          workers: { w: { replies: [{ tokens: Array.from({ length: 20 }, (_, k) => `word${k} `) }] } },
          merge: 'Merged.',
        };
        await Promise.all([laptop.script(script), desktop.script(script)]);
        const run = await runSwarm(laptop, 'One worker.');
        (machine === 'laptop' ? local : remote).push(workerMs(laptop, run.id));
      }
    }
    const localWorkerMs = median(local);
    const remoteWorkerMs = median(remote);
    console.log(
      `worker: here median ${localWorkerMs} ms, on the peer median ${remoteWorkerMs} ms: overhead ${remoteWorkerMs - localWorkerMs} ms (${WORKER_RUNS} runs each)`,
    );

    // Four remote workers streaming at once: swarm events arriving over the mesh.
    const ids = ['a', 'b', 'c', 'd'];
    const streaming: SwarmScript = {
      plan: ids.map((id) => ({ id, title: `Stream ${id}`, machine: 'desktop' })),
      workers: Object.fromEntries(
        ids.map((id) => [
          id,
          { replies: [{ tokens: Array.from({ length: STREAM_TOKENS }, (_, k) => `t${k} `) }] },
        ]),
      ),
      merge: 'Streamed.',
    };
    await Promise.all([laptop.script(streaming), desktop.script(streaming)]);
    const run = await runSwarm(laptop, 'Stream a lot.', { concurrency: 4, maxAgents: 10, tokens: 5_000_000 });
    const events = laptop.events.map(swarmEvent).filter((e): e is SwarmEvent => e?.runId === run.id);
    const remoteAgents = new Set(
      events
        .filter((e) => e.type === 'agent.placed' && e.machine.name === 'desktop')
        .map((e) => (e as Extract<SwarmEvent, { type: 'agent.placed' }>).agentId),
    );
    const fromPeer = events.filter(
      (e) => 'agentId' in e && remoteAgents.has(e.agentId) && e.type !== 'agent.placed',
    );
    const span = (fromPeer.at(-1)!.at - fromPeer[0]!.at) / 1000;
    const chars = fromPeer.reduce((n, e) => n + (e.type === 'agent.text' ? e.text.length : 0), 0);
    const swarmEventsPerSecond = fromPeer.length / span;
    console.log(
      `over the mesh: ${fromPeer.length} swarm events from ${remoteAgents.size} remote workers in ${round(span, 2)} s = ${round(swarmEventsPerSecond)} events/s, ${Math.round(chars / span)} characters of text/s`,
    );

    console.log(
      JSON.stringify({
        nodeStartMs,
        discoveryMs,
        discoveryBothWaysMs,
        pairingHandshakeMs: round(median(handshake)),
        pairingConfirmMs: round(median(confirm)),
        localWorkerMs,
        remoteWorkerMs,
        remoteWorkerOverheadMs: remoteWorkerMs - localWorkerMs,
        swarmEventsPerSecond: round(swarmEventsPerSecond),
        remoteTextCharsPerSecond: Math.round(chars / span),
      }),
    );
  } finally {
    await Promise.all([laptop.stop().catch(() => undefined), desktop.stop().catch(() => undefined)]);
    await lab.down();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
