/**
 * The gateway: a real one, started the way `cell0 serve` starts it, is asked from outside what a
 * browser page on another origin, a DNS-rebinding page or a token guesser would ask.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { lstat } from 'node:fs/promises';
import { controlSocketPath } from '../gateway/control-socket.js';
import { fail, pass, skip, warn, type Checkpoint, type ProbeEnv, type ProbeGateway } from './checkpoint.js';
import { hasTable } from './data-files.js';

function gateway(env: ProbeEnv): Promise<ProbeGateway> {
  return env.once('gateway', async () => {
    const started = await env.startGateway();
    env.defer(() => started.close());
    return started;
  });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

function ask(g: ProbeGateway, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: g.port, path, method: 'GET', headers, timeout: 3000 },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, headers: res.headers });
      },
    );
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 101, headers: res.headers });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 3 s')));
    req.on('error', reject);
    req.end();
  });
}

const upgradeHeaders = (host: string, origin?: string): Record<string, string> => ({
  host,
  connection: 'Upgrade',
  upgrade: 'websocket',
  'sec-websocket-version': '13',
  'sec-websocket-key': Buffer.from('cell0-checkpoint').toString('base64'),
  ...(origin ? { origin } : {}),
});

/** A non-loopback address of this machine, to see whether the gateway answers there. */
function outsideAddress(): string | null {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') return a.address;
  return null;
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1500 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Talks the protocol over a WebSocket: what the gateway answers before and after a wrong token. */
async function unauthenticatedAnswers(
  g: ProbeGateway,
): Promise<{ early: boolean; wrongToken: boolean; right: boolean }> {
  const { WebSocket } = await import('ws');
  const ws = new WebSocket(`ws://127.0.0.1:${g.port}/ws`, { headers: { host: `127.0.0.1:${g.port}` } });
  const answers = new Map<string, { ok: boolean }>();
  const waiters = new Map<string, (frame: { ok: boolean }) => void>();
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { type: string; id: string; ok: boolean };
    if (frame.type !== 'res') return;
    answers.set(frame.id, frame);
    waiters.get(frame.id)?.(frame);
  });
  const call = (id: string, method: string, params: unknown) =>
    new Promise<{ ok: boolean }>((resolve, reject) => {
      waiters.set(id, resolve);
      const timer = setTimeout(() => reject(new Error(`no answer to ${method}`)), 3000);
      waiters.set(id, (frame) => {
        clearTimeout(timer);
        resolve(frame);
      });
      ws.send(JSON.stringify({ type: 'req', id, method, params }));
    });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const early = (await call('1', 'app.info', {})).ok;
    const wrongToken = (await call('2', 'session.hello', { token: nearMiss(g.token) })).ok;
    const right = (await call('3', 'session.hello', { token: g.token })).ok;
    return { early, wrongToken, right };
  } finally {
    ws.terminate();
  }
}

/**
 * The token with its last character changed: wrong by one character, as a guesser's closest try.
 * (Always replacing it with "x" left the token right whenever it ended in "x", one in 64, and the
 * probe then reported a healthy gateway as accepting a wrong token.)
 */
export function nearMiss(token: string): string {
  return `${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`;
}

/** Bits of a token by the alphabet it draws from: a lower bound a guesser faces. */
export function tokenBits(token: string): number {
  let alphabet = 0;
  if (/[a-z]/.test(token)) alphabet += 26;
  if (/[A-Z]/.test(token)) alphabet += 26;
  if (/[0-9]/.test(token)) alphabet += 10;
  if (/[^A-Za-z0-9]/.test(token)) alphabet += 2;
  const distinct = new Set(token).size;
  if (distinct < Math.min(8, token.length)) return distinct; // "aaaa…" or "abab…" is no secret
  return Math.floor(token.length * Math.log2(Math.max(alphabet, 2)));
}

const BIND_FIX =
  'The gateway must listen on 127.0.0.1; put a reverse proxy or Tailscale in front of it to reach it from elsewhere';

export const gatewayCheckpoints: Checkpoint[] = [
  {
    id: 'gateway.loopback-bind',
    group: 'gateway',
    title: 'The gateway listens on loopback only',
    why: 'Anyone on your network could reach a gateway bound to every interface',
    fix: BIND_FIX,
    async probe(env) {
      const g = await gateway(env);
      const loopback = /^(127\.|::1$|::ffff:127\.|localhost$)/.test(g.host);
      const outside = outsideAddress();
      if (outside && (await reachable(outside, g.port)))
        return fail(`bound to ${g.host}: it answers on ${outside}:${g.port} too`);
      if (!loopback) return fail(`bound to ${g.host}`);
      return pass(`bound to ${g.host}:${g.port}${outside ? `; ${outside}:${g.port} refuses` : ''}`);
    },
  },
  {
    id: 'gateway.host-check',
    group: 'gateway',
    title: 'A foreign Host header is refused',
    why: 'A web page can make its own name resolve to 127.0.0.1 (DNS rebinding); only our host names may be served',
    fix: BIND_FIX,
    async probe(env) {
      const g = await gateway(env);
      const evil = await ask(g, '/', { host: `rebind.example:${g.port}` });
      const ws = await ask(g, '/ws', upgradeHeaders(`rebind.example:${g.port}`));
      if (evil.status < 400) return fail(`Host rebind.example got ${evil.status}`);
      if (ws.status === 101) return fail('Host rebind.example opened a WebSocket');
      return pass(`Host rebind.example: ${evil.status} for the page, ${ws.status} for the socket`);
    },
  },
  {
    id: 'gateway.origin-check',
    group: 'gateway',
    title: 'A page on another origin cannot open the socket',
    why: 'Any site you visit could otherwise drive your agent through your browser',
    fix: BIND_FIX,
    async probe(env) {
      const g = await gateway(env);
      const host = `127.0.0.1:${g.port}`;
      const evil = await ask(g, '/ws', upgradeHeaders(host, 'https://evil.example'));
      const own = await ask(g, '/ws', upgradeHeaders(host, `http://${host}`));
      if (evil.status === 101) return fail('Origin https://evil.example opened a WebSocket');
      if (own.status !== 101) return warn(`our own origin got ${own.status}, not a WebSocket`);
      return pass(`Origin https://evil.example: ${evil.status}; our own origin: 101`);
    },
  },
  {
    id: 'gateway.token-required',
    group: 'gateway',
    title: 'Nothing is answered before the token',
    why: 'A local program that reaches the port must still prove it holds the token',
    fix: 'Report this to the Cell 0 developers: the gateway answered without the token',
    async probe(env) {
      const answers = await unauthenticatedAnswers(await gateway(env));
      if (answers.early) return fail('app.info was answered before session.hello');
      if (answers.wrongToken) return fail('a wrong token was accepted');
      if (!answers.right) return warn('the right token was refused');
      return pass('refused before hello and with a wrong token; accepted with the right one');
    },
  },
  {
    id: 'gateway.token-strength',
    group: 'gateway',
    title: 'The access token cannot be guessed',
    why: 'A short or patterned token falls to a few guesses over a connection',
    fix: 'Let `cell0 serve` make the token (do not pass a weak one)',
    async probe(env) {
      const g = await gateway(env);
      const bits = tokenBits(g.token);
      return bits >= 128
        ? pass(`${g.token.length} characters, about ${bits} bits`)
        : fail(`about ${bits} bits (128 needed)`);
    },
  },
  {
    id: 'gateway.security-headers',
    group: 'gateway',
    title: 'The page is served with its security headers',
    why: 'The CSP and frame headers stop injected scripts and clickjacking of the served UI',
    fix: 'Report this to the Cell 0 developers: the served page lacks its headers',
    async probe(env) {
      const g = await gateway(env);
      const answer = await ask(g, '/', { host: `127.0.0.1:${g.port}` });
      const csp = String(answer.headers['content-security-policy'] ?? '');
      const missing = [
        csp.includes("default-src 'none'") ? null : 'content-security-policy',
        answer.headers['x-frame-options'] === 'DENY' ? null : 'x-frame-options',
        answer.headers['x-content-type-options'] === 'nosniff' ? null : 'x-content-type-options',
      ].filter(Boolean);
      return missing.length === 0
        ? pass('CSP, X-Frame-Options and nosniff present')
        : fail(`missing: ${missing.join(', ')}`);
    },
  },
  {
    id: 'gateway.control-socket',
    group: 'gateway',
    title: 'The control socket is yours alone (600)',
    why: 'Whoever can connect to cell0.sock can drive the running app like the `cell0` command',
    fix: 'Run `cell0 checkpoints --fix` (chmod 600 on cell0.sock)',
    async probe(env) {
      const info = await lstat(controlSocketPath(env.dataDir)).catch(() => null);
      if (!info) return skip('no app is running on this data directory (no cell0.sock)');
      const mode = info.mode & 0o777;
      return (mode & 0o077) === 0 ? pass(`mode ${mode.toString(8)}`) : fail(`mode ${mode.toString(8)}`);
    },
    async repair(env) {
      const path = controlSocketPath(env.dataDir);
      const info = await lstat(path).catch(() => null);
      if (!info || (info.mode & 0o077) === 0) return [];
      const { chmod } = await import('node:fs/promises');
      await chmod(path, 0o600);
      return [`chmod 600 cell0.sock (was ${(info.mode & 0o777).toString(8)})`];
    },
  },
  {
    id: 'gateway.webhook-secrets',
    group: 'gateway',
    title: 'Every webhook has a strong secret in the keychain',
    why: 'A webhook without its secret lets anyone who learns its URL start your agent',
    fix: 'Give each webhook a long random secret (Automations → edit, or hooks.update), or remove the ones you do not use',
    async probe(env) {
      if (!env.db || !(await hasTable(env, 'automation_hooks'))) return skip('no webhooks on this instance');
      const hooks = await env.db.all<{ id: string; name: string }>('SELECT id, name FROM automation_hooks');
      if (hooks.length === 0) return skip('no webhooks on this instance');
      const missing: string[] = [];
      const weak: string[] = [];
      for (const hook of hooks) {
        // The account automation-service.ts keeps each hook's secret under.
        const secret = await env.keychain.get(`hook:${hook.id}`);
        if (secret === null || secret === '') missing.push(hook.name);
        else if (tokenBits(secret) < 128) weak.push(hook.name);
      }
      if (missing.length > 0)
        return fail(
          `${missing.length} of ${hooks.length} webhook(s) without a secret: ${missing.join(', ')}`,
        );
      return weak.length === 0
        ? pass(`${hooks.length} webhook(s), each with a strong secret in the keychain`)
        : warn(
            `${weak.length} of ${hooks.length} webhook(s) with a short or guessable secret: ${weak.join(', ')}`,
          );
    },
  },
  {
    id: 'gateway.device-scopes',
    group: 'gateway',
    title: 'Paired devices hold only what they were given',
    why: 'A revoked device must not keep a working token, and a script should hold only the scope it needs',
    fix: 'Revoke the device again in Automations → Devices, or pair it anew with a narrower scope',
    async probe(env) {
      if (!env.db || !(await hasTable(env, 'paired_devices')))
        return skip('no paired devices on this instance');
      const devices = await env.db.all<{
        name: string;
        scope: string;
        state: string;
        token_hash: string | null;
      }>("SELECT name, scope, state, token_hash FROM paired_devices WHERE state != 'pending'");
      if (devices.length === 0) return skip('no paired devices on this instance');
      const revokedWithToken = devices.filter((d) => d.state === 'revoked' && d.token_hash !== null);
      if (revokedWithToken.length > 0)
        return fail(
          `${revokedWithToken.length} revoked device(s) still hold a token: ${revokedWithToken.map((d) => d.name).join(', ')}`,
        );
      const full = devices.filter((d) => d.state === 'paired' && d.scope === 'full');
      const paired = devices.filter((d) => d.state === 'paired').length;
      return full.length === 0
        ? pass(`${paired} paired device(s), none with full rights`)
        : warn(
            `${full.length} of ${paired} paired device(s) with full rights: ${full.map((d) => d.name).join(', ')}`,
          );
    },
  },
];
