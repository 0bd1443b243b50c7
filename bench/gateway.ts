/**
 * bench:gateway — what the protocol router costs over a bare WebSocket, and how `cell0 serve`
 * starts. Both paths run in this process on loopback with the same client; the last line is
 * one JSON object with the figures.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { startServe } from '../src-main/serve.js';
import { silentLogger } from '../src-main/core/base/logger.js';

const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 20_000);
const FANOUT_CLIENTS = 10;
const FANOUT_EVENTS = Number(process.env.BENCH_FANOUT_EVENTS ?? 5_000);
const REPEATS = 3;

function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Sequential request/response round trips per second (one in flight, like a UI waiting on a call). */
async function roundTrips(ws: WebSocket, count: number): Promise<number> {
  let i = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const send = () => ws.send(`{"type":"req","id":"${i}","method":"app.info"}`);
    ws.on('message', () => {
      if (++i === count) resolve();
      else send();
    });
    send();
  });
  ws.removeAllListeners('message');
  return count / ((performance.now() - started) / 1000);
}

/** Events per second delivered to every one of the clients. */
async function fanOut(clients: WebSocket[], emit: (n: number) => void, count: number): Promise<number> {
  const started = performance.now();
  const done = Promise.all(
    clients.map(
      (ws) =>
        new Promise<void>((resolve) => {
          let seen = 0;
          ws.on('message', () => {
            if (++seen === count) resolve();
          });
        }),
    ),
  );
  for (let n = 0; n < count; n++) emit(n);
  await done;
  for (const ws of clients) ws.removeAllListeners('message');
  return count / ((performance.now() - started) / 1000);
}

function best(values: number[]): number {
  return Math.max(...values);
}

async function plainSocket(): Promise<{ rtt: number; fanout: number }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', (ws) => ws.on('message', (data) => ws.send(data.toString())));
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  const one = await connect(url);
  const clients = await Promise.all(Array.from({ length: FANOUT_CLIENTS }, () => connect(url)));
  const rtt: number[] = [];
  const fan: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    rtt.push(await roundTrips(one, ROUND_TRIPS));
    fan.push(
      await fanOut(
        clients,
        (n) => {
          const json = JSON.stringify({
            type: 'event',
            event: 'conversation.deleted',
            payload: { id: `c${n}` },
            seq: n,
          });
          for (const ws of wss.clients) ws.send(json);
        },
        FANOUT_EVENTS,
      ),
    );
  }
  for (const ws of [one, ...clients]) ws.close();
  await new Promise((r) => wss.close(r));
  return { rtt: best(rtt), fanout: best(fan) };
}

async function cell0Socket(): Promise<{ rtt: number; fanout: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'cell0-bench-'));
  const serve = await startServe({ port: 0, dataDir: dir, rendererDir: null, logger: silentLogger });
  const url = `ws://127.0.0.1:${serve.port}/ws`;
  const hello = async (ws: WebSocket) => {
    await new Promise<void>((resolve) => {
      ws.once('message', () => resolve());
      ws.send(
        JSON.stringify({ type: 'req', id: 'h', method: 'session.hello', params: { token: serve.token } }),
      );
    });
    return ws;
  };
  const one = await hello(await connect(url));
  const clients = await Promise.all(
    Array.from({ length: FANOUT_CLIENTS }, async () => hello(await connect(url))),
  );
  const rtt: number[] = [];
  const fan: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    rtt.push(await roundTrips(one, ROUND_TRIPS));
    // The lone round-trip client is authenticated too, so it receives the events; count it out.
    one.pause();
    fan.push(
      await fanOut(
        clients,
        (n) => serve.core.bus.emit('conversation.deleted', { id: `c${n}` }),
        FANOUT_EVENTS,
      ),
    );
    one.resume();
    await new Promise((r) => setTimeout(r, 50));
    one.removeAllListeners('message');
  }
  for (const ws of [one, ...clients]) ws.close();
  await serve.stop();
  await rm(dir, { recursive: true, force: true });
  return { rtt: best(rtt), fanout: best(fan) };
}

/** Starts the built `cell0 serve` as a user would and reads its start-up time and idle memory. */
async function serveStartup(): Promise<{ readyMs: number; idleRssMb: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'cell0-bench-home-'));
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/cell0.mjs', 'serve', '--port', '0'], {
    env: { ...process.env, CELL0_HOME: dir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const readyMs = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Open: ')) resolve(performance.now() - started);
    });
    child.once('exit', (code) => reject(new Error(`cell0 serve exited with ${code}: ${out}`)));
  });
  await new Promise((r) => setTimeout(r, 2000));
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
  await rm(dir, { recursive: true, force: true });
  return { readyMs, idleRssMb: rssKb / 1024 };
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

const plain = await plainSocket();
const ours = await cell0Socket();
const startup = await serveStartup();
const ratio = plain.rtt / ours.rtt;
const fanoutRatio = plain.fanout / ours.fanout;

console.log(
  `round trips/s   plain ws ${Math.round(plain.rtt)}   cell0 router ${Math.round(ours.rtt)}   cost ${round(ratio)}x`,
);
console.log(
  `fan-out to ${FANOUT_CLIENTS} clients, events/s   plain ws ${Math.round(plain.fanout)}   cell0 bus ${Math.round(ours.fanout)}   cost ${round(fanoutRatio)}x`,
);
console.log(
  `cell0 serve: ready in ${Math.round(startup.readyMs)} ms, idle RSS ${round(startup.idleRssMb, 1)} MB`,
);
console.log(`goal: router cost at most 1.3x the plain socket — ${ratio <= 1.3 ? 'met' : 'NOT met'}`);
console.log(
  JSON.stringify({
    ratio: round(ratio),
    fanout_ratio: round(fanoutRatio),
    rtt_per_s: Math.round(ours.rtt),
    plain_rtt_per_s: Math.round(plain.rtt),
    fanout_events_per_s: Math.round(ours.fanout),
    plain_fanout_events_per_s: Math.round(plain.fanout),
    ready_ms: Math.round(startup.readyMs),
    idle_rss_mb: round(startup.idleRssMb, 1),
  }),
);
