/**
 * bench:gateway — what the protocol router costs over a bare WebSocket, and how `cell0 serve`
 * starts. Both socket paths run in this process on loopback with the same client. The start is
 * the built `cell0 serve` as a user runs it, bare (no provider, nothing configured) and
 * configured (one Telegram channel against a fake Bot API, one sandboxed MCP server; a scheduled
 * job), alternately, medians. Idle RSS is the cell0 process's own (an MCP server is a process of
 * its own). Beside them, the floor: a server made of the same parts (Node, http + ws, Ed25519,
 * sqlite3, keytar) with none of Cell 0's code (bench/rss-floor.mjs), so what Cell 0 itself holds
 * at idle reads as the difference. The last line is one JSON object.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { resolve } from 'node:path';
import { startServe } from '../src-main/serve.js';
import { silentLogger } from '../src-main/core/base/logger.js';
import { callCore, configureDataDir } from './core-call.js';
import { FakeTelegram } from '../test/fixtures/fake-telegram.js';

const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 20_000);
const FANOUT_CLIENTS = 10;
const FANOUT_EVENTS = Number(process.env.BENCH_FANOUT_EVENTS ?? 5_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const STARTS = Number(process.env.BENCH_STARTS ?? 3);
const IDLE_MS = 2000;
const KEYCHAIN_SERVICE = `cell0-bench-gateway-${process.pid}`;
const NODE_MODULES = resolve(import.meta.dirname, '../node_modules');
const EVERYTHING = join(NODE_MODULES, '@modelcontextprotocol/server-everything/dist/index.js');

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

interface SocketPath {
  /** One round of sequential round trips and one of fan-out: events per second of each. */
  round(): Promise<{ rtt: number; fanout: number }>;
  close(): Promise<void>;
}

async function plainSocket(): Promise<SocketPath> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', (ws) => ws.on('message', (data) => ws.send(data.toString())));
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  const one = await connect(url);
  const clients = await Promise.all(Array.from({ length: FANOUT_CLIENTS }, () => connect(url)));
  return {
    async round() {
      const rtt = await roundTrips(one, ROUND_TRIPS);
      const fanout = await fanOut(
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
      );
      // The round-trip client got the events too: let them land before its next round counts replies.
      await new Promise((r) => setTimeout(r, 50));
      return { rtt, fanout };
    },
    async close() {
      for (const ws of [one, ...clients]) ws.close();
      await new Promise((r) => wss.close(r));
    },
  };
}

async function cell0Socket(): Promise<SocketPath> {
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
  return {
    async round() {
      const rtt = await roundTrips(one, ROUND_TRIPS);
      // The lone round-trip client is authenticated too, so it receives the events; count it out.
      one.pause();
      const fanout = await fanOut(
        clients,
        (n) => serve.core.bus.emit('conversation.deleted', { id: `c${n}` }),
        FANOUT_EVENTS,
      );
      one.resume();
      await new Promise((r) => setTimeout(r, 50));
      one.removeAllListeners('message');
      return { rtt, fanout };
    },
    async close() {
      for (const ws of [one, ...clients]) ws.close();
      await serve.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Both paths round by round, alternately (a busy machine weighs on both alike); the best of each. */
async function socketPaths(): Promise<{
  plain: { rtt: number; fanout: number };
  ours: { rtt: number; fanout: number };
}> {
  const plainPath = await plainSocket();
  const oursPath = await cell0Socket();
  const plain = { rtt: 0, fanout: 0 };
  const ours = { rtt: 0, fanout: 0 };
  try {
    for (let r = 0; r < REPEATS; r++) {
      for (const [path, best] of [
        [plainPath, plain],
        [oursPath, ours],
      ] as const) {
        const { rtt, fanout } = await path.round();
        best.rtt = Math.max(best.rtt, rtt);
        best.fanout = Math.max(best.fanout, fanout);
      }
    }
  } finally {
    await plainPath.close();
    await oursPath.close();
  }
  return { plain, ours };
}

/** The built `cell0 serve`, as a user starts it. */
const SERVE_ARGS = ['bin/cell0.mjs', 'serve', '--port', '0'];
/** The same parts with none of Cell 0's code (bench/rss-floor.mjs). */
const FLOOR_ARGS = [join(import.meta.dirname, 'rss-floor.mjs')];

/** Starts a server (`cell0 serve` unless told) on `home` and reads its start-up time and idle memory. */
async function serveStartup(
  home: string,
  args = SERVE_ARGS,
): Promise<{ readyMs: number; idleRssMb: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      CELL0_HOME: home,
      CELL0_KEYCHAIN_SERVICE: KEYCHAIN_SERVICE,
      CELL0_FLOOR_DB: join(home, 'floor.db'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const readyMs = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Open: ')) resolve(performance.now() - started);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)));
  });
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
  return { readyMs, idleRssMb: rssKb / 1024 };
}

/**
 * The configured case's data directory: one channel, one MCP server and one scheduled job, added
 * through the protocol as the window adds them, then the core stopped. Returns what was configured.
 */
async function configure(home: string, telegram: FakeTelegram): Promise<string[]> {
  return configureDataDir(home, KEYCHAIN_SERVICE, async (core) => {
    await callCore(core, 'channels.add', {
      kind: 'telegram',
      token: telegram.token,
      apiRoot: telegram.apiRoot,
    });
    await callCore(core, 'mcp.add', {
      name: 'everything',
      enabled: true,
      transport: {
        kind: 'stdio',
        command: 'node',
        args: [EVERYTHING, 'stdio'],
        cwd: null,
        env: {},
        confinement: 'sandbox',
        paths: [{ path: NODE_MODULES, write: false }],
        network: false,
      },
    });
    await callCore(core, 'jobs.add', {
      name: 'bench',
      trigger: { kind: 'cron', expr: '0 3 * * *', tz: null },
      prompt: 'Say hello.',
    });
    return ['channel', 'mcp', 'job'];
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Bare and configured starts, alternately (a busy machine weighs on both alike); medians. */
async function startups(): Promise<{
  bare: { readyMs: number; idleRssMb: number };
  configured: { readyMs: number; idleRssMb: number };
  floor: { readyMs: number; idleRssMb: number };
  what: string[];
}> {
  const bareHome = await mkdtemp(join(tmpdir(), 'cell0-bench-home-'));
  const configuredHome = await mkdtemp(join(tmpdir(), 'cell0-bench-configured-'));
  const telegram = new FakeTelegram();
  await telegram.start();
  try {
    const what = await configure(configuredHome, telegram);
    const bare: { readyMs: number; idleRssMb: number }[] = [];
    const configured: { readyMs: number; idleRssMb: number }[] = [];
    const floor: { readyMs: number; idleRssMb: number }[] = [];
    for (let i = 0; i < STARTS; i++) {
      bare.push(await serveStartup(bareHome));
      configured.push(await serveStartup(configuredHome));
      floor.push(await serveStartup(bareHome, FLOOR_ARGS));
    }
    const summary = (runs: { readyMs: number; idleRssMb: number }[]) => ({
      readyMs: median(runs.map((r) => r.readyMs)),
      idleRssMb: median(runs.map((r) => r.idleRssMb)),
    });
    return { bare: summary(bare), configured: summary(configured), floor: summary(floor), what };
  } finally {
    await telegram.stop();
    await rm(bareHome, { recursive: true, force: true });
    await rm(configuredHome, { recursive: true, force: true });
  }
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

const { plain, ours } = await socketPaths();
const startup = await startups();
const ratio = plain.rtt / ours.rtt;
const fanoutRatio = plain.fanout / ours.fanout;
const { bare, configured, floor } = startup;

console.log(
  `round trips/s   plain ws ${Math.round(plain.rtt)}   cell0 router ${Math.round(ours.rtt)}   cost ${round(ratio)}x`,
);
console.log(
  `fan-out to ${FANOUT_CLIENTS} clients, events/s   plain ws ${Math.round(plain.fanout)}   cell0 bus ${Math.round(ours.fanout)}   cost ${round(fanoutRatio)}x`,
);
console.log(
  `cell0 serve, bare:       ready in ${Math.round(bare.readyMs)} ms, idle RSS ${round(bare.idleRssMb, 1)} MB (median of ${STARTS})`,
);
console.log(
  `cell0 serve, configured (${startup.what.join(', ')}): ready in ${Math.round(configured.readyMs)} ms, idle RSS ${round(configured.idleRssMb, 1)} MB`,
);
console.log(
  `floor (node, http + ws, ed25519, sqlite3, keytar; no Cell 0 code): idle RSS ${round(floor.idleRssMb, 1)} MB, so Cell 0's own ${round(bare.idleRssMb - floor.idleRssMb, 1)} MB`,
);
const goals: [string, boolean][] = [
  ['ready <= 150 ms', bare.readyMs <= 150],
  ['idle RSS <= 60 MB', bare.idleRssMb <= 60],
  ['configured +50 ms at most', configured.readyMs - bare.readyMs <= 50],
  ['configured +20 MB at most', configured.idleRssMb - bare.idleRssMb <= 20],
  ['round trips <= 1.2x', ratio <= 1.2],
  ['fan-out <= 1.05x', fanoutRatio <= 1.05],
];
console.log(`goals: ${goals.map(([goal, met]) => `${goal} ${met ? 'met' : 'NOT met'}`).join('; ')}`);
console.log(
  JSON.stringify({
    ready_ms: Math.round(bare.readyMs),
    idle_rss_mb: round(bare.idleRssMb, 1),
    ready_configured_ms: Math.round(configured.readyMs),
    idle_rss_configured_mb: round(configured.idleRssMb, 1),
    ratio: round(ratio),
    fanout_ratio: round(fanoutRatio),
    floor_rss_mb: round(floor.idleRssMb, 1),
  }),
);
