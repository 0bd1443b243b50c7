import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import sirv from 'sirv';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventBus } from '../base/event-bus.js';
import type { ConnectionContext, Router } from '../protocol/router.js';
import { MAX_FRAME_BYTES, type ResponseFrame } from '../protocol/frames.js';
import { RENDERER_CSP } from '../security/csp.js';
import type { Logger } from '../base/logger.js';
import type { HookAnswer } from './automations/hook-receiver.js';
import type { Headers } from './automations/webhook-signature.js';
import type { DeviceScope } from '../protocol/device-entities.js';
import { scopeAllows } from './devices/device-scopes.js';

/** What the gateway hands `POST /hooks/<name>` to (the automations' receiver). */
export interface HookEndpoint {
  /** The hook's body size limit, asked before the body is read; null when there is no such hook. */
  limitFor(name: string): Promise<number | null>;
  receive(name: string, headers: Headers, body: Buffer): Promise<HookAnswer>;
}

export interface WsGatewayOptions {
  router: Router;
  bus: EventBus;
  logger: Logger;
  token: string;
  port: number;
  /** The built renderer to serve, or null for a socket-only gateway. */
  staticDir: string | null;
  maxFrameBytes?: number;
  /** Where to listen: 127.0.0.1 unless the owner chose another address in Settings (the checkpoints' tests do too). */
  host?: string;
  /** Webhook deliveries; without it /hooks/ is not served. */
  hooks?: HookEndpoint;
  /** Paired devices' tokens; without it only the access token opens a session. */
  devices?: DeviceTokens;
}

/** What the gateway asks of the paired devices. */
export interface DeviceTokens {
  authenticate(token: string): { deviceId: string; scope: DeviceScope } | null;
  seen(deviceId: string): void;
  onRevoked(listener: (deviceId: string) => void): () => void;
}

/** A fresh access token: 192 random bits, URL-safe. */
export function newAccessToken(): string {
  return randomBytes(24).toString('base64url');
}

/** A client that lets this much pile up unsent is too slow: it is dropped and refetches on reconnect. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const HOST = '127.0.0.1';
/** A hook name in the path: what automationNameSchema allows. */
const HOOK_PATH = /^\/hooks\/([a-z0-9][a-z0-9_-]{0,47})\/?$/;
/** The static files are only ever read. */
const STATIC_METHODS = 'GET, HEAD';
/** Wrong tokens a connection may try before it is closed: enough for a stale tab, too few to guess. */
const MAX_FAILED_HELLOS = 5;

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': `${RENDERER_CSP}; frame-ancestors 'none'`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

function tokensEqual(expected: Buffer, given: string): boolean {
  const candidate = Buffer.from(given);
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}

/**
 * The WebSocket transport of `cell0 serve`: HTTP for the built renderer and /ws for protocol
 * frames, on 127.0.0.1 only. Every connection must say session.hello with the token first.
 */
export class WsGateway {
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly authed = new Set<WebSocket>();
  private readonly deviceSockets = new Map<WebSocket, string>();
  private unrevoked: (() => void) | null = null;
  private readonly expectedToken: Buffer;
  private boundPort = 0;

  constructor(private readonly options: WsGatewayOptions) {
    this.expectedToken = Buffer.from(options.token);
  }

  get port(): number {
    return this.boundPort;
  }

  get host(): string {
    return this.options.host ?? HOST;
  }

  /** Only our own host names: a page on another origin resolving to 127.0.0.1 (DNS rebinding) is refused. */
  private hostAllowed(req: IncomingMessage): boolean {
    const host = req.headers.host ?? '';
    return (
      host === `${HOST}:${this.boundPort}` ||
      host === `localhost:${this.boundPort}` ||
      (this.host !== HOST && host === `${this.host}:${this.boundPort}`)
    );
  }

  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    // Non-browser clients send no Origin; browsers always do, and it must be our page.
    if (origin === undefined) return true;
    return origin === `http://${HOST}:${this.boundPort}` || origin === `http://localhost:${this.boundPort}`;
  }

  async start(): Promise<void> {
    const serveStatic = this.options.staticDir
      ? sirv(this.options.staticDir, { etag: true, dev: false })
      : null;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      // Before the Host check: a delivery comes through tunnels and proxies under any name, and
      // it is its signature, not where it came from, that lets it in.
      const hook = this.options.hooks ? HOOK_PATH.exec((req.url ?? '').split('?')[0] ?? '') : null;
      if (hook && this.options.hooks) {
        void this.deliver(this.options.hooks, hook[1]!, req, res);
        return;
      }
      if (!this.hostAllowed(req)) {
        res.writeHead(421, { 'content-type': 'text/plain' }).end('Misdirected request');
        return;
      }
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: STATIC_METHODS, 'content-type': 'text/plain' }).end('Method not allowed');
        return;
      }
      if (!serveStatic) {
        res.writeHead(404).end();
        return;
      }
      serveStatic(req, res, () => {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      });
    });
    const wss = new WebSocketServer({
      noServer: true,
      // A hard ceiling well above the protocol limit: frames in between get FRAME_TOO_LARGE and the socket lives.
      maxPayload: (this.options.maxFrameBytes ?? MAX_FRAME_BYTES) * 16,
      perMessageDeflate: false,
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/ws' || !this.hostAllowed(req) || !this.originAllowed(req)) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
    });
    this.unrevoked =
      this.options.devices?.onRevoked((deviceId) => {
        for (const [ws, id] of this.deviceSockets) {
          if (id !== deviceId) continue;
          this.authed.delete(ws);
          this.deviceSockets.delete(ws);
          ws.close(4001, 'device revoked');
        }
      }) ?? null;
    this.unsubscribe = this.options.bus.subscribe((frame) => {
      if (this.authed.size === 0) return;
      const json = JSON.stringify(frame);
      for (const ws of this.authed) {
        if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
          ws.close(1013, 'too slow');
          continue;
        }
        ws.send(json);
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (server.address() as AddressInfo).port;
    this.server = server;
    this.wss = wss;
  }

  /** One delivery: the body read up to the hook's limit (413 past it), then the receiver's answer. */
  private async deliver(hooks: HookEndpoint, name: string, req: IncomingMessage, res: ServerResponse) {
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (res.headersSent) return;
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
      res.end(JSON.stringify(body));
    };
    try {
      if (req.method !== 'POST') {
        answer(
          405,
          { error: { code: 'METHOD_NOT_ALLOWED', message: 'Deliveries are POSTed.' } },
          { allow: 'POST' },
        );
        return;
      }
      const limit = await hooks.limitFor(name);
      if (limit === null) {
        answer(404, { error: { code: 'NOT_FOUND', message: 'No such hook.' } });
        return;
      }
      const tooLarge = () => {
        answer(
          413,
          { error: { code: 'PAYLOAD_TOO_LARGE', message: `Bodies are limited to ${limit} bytes.` } },
          { connection: 'close' },
        );
        // The rest is not read: the socket goes once the answer is out.
        res.once('finish', () => req.destroy());
      };
      if (Number(req.headers['content-length'] ?? 0) > limit) return tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limit) return tooLarge();
        chunks.push(chunk);
      }
      const result = await hooks.receive(name, req.headers, Buffer.concat(chunks));
      answer(result.status, result.body, result.headers);
    } catch (err) {
      // Logged here; the sender gets a code and a sentence, never a stack.
      this.options.logger.error(`webhook ${name} failed`, err);
      answer(500, {
        error: { code: 'INTERNAL', message: 'Cell 0 could not take this delivery. It was logged.' },
      });
    }
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    let failedHellos = 0;
    const ctx: ConnectionContext = {
      authenticated: false,
      peer: `ws:${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`,
      authenticate: (token) => {
        // Hellos sent in one burst are all checked before the first reply closes the socket.
        if (failedHellos >= MAX_FAILED_HELLOS) return false;
        if (tokensEqual(this.expectedToken, token)) {
          ctx.authenticated = true;
          delete ctx.permits;
          this.deviceSockets.delete(ws);
          this.authed.add(ws);
          return true;
        }
        const device = this.options.devices?.authenticate(token) ?? null;
        if (!device) {
          failedHellos++;
          return false;
        }
        const devices = this.options.devices!;
        ctx.authenticated = true;
        ctx.peer = `device:${device.deviceId}`;
        ctx.permits = (method) => {
          devices.seen(device.deviceId);
          return scopeAllows(device.scope, method);
        };
        this.deviceSockets.set(ws, device.deviceId);
        this.authed.add(ws);
        return true;
      },
    };
    ws.on('message', (data, isBinary) => {
      // Binary frames reach the router as bytes, which it refuses as BAD_FRAME like any other transport.
      const raw = isBinary
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : data.toString();
      const reply = (response: ResponseFrame) => {
        if (ws.readyState !== ws.OPEN) return;
        ws.send(JSON.stringify(response));
        // After the reply, so the client learns why; guessing tokens gets no more tries.
        if (failedHellos >= MAX_FAILED_HELLOS && !ctx.authenticated) {
          this.options.logger.warn(`closed ${ctx.peer}: ${failedHellos} failed session.hello`);
          ws.close(1008, 'too many failed session.hello');
        }
      };
      const response = this.options.router.handle(raw, ctx);
      if (response instanceof Promise) void response.then(reply);
      else reply(response);
    });
    ws.on('close', () => {
      this.authed.delete(ws);
      this.deviceSockets.delete(ws);
    });
    ws.on('error', (err) => this.options.logger.warn(`socket ${ctx.peer} failed`, err));
  }

  async stop(): Promise<void> {
    this.unrevoked?.();
    this.unrevoked = null;
    this.deviceSockets.clear();
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const client of this.wss?.clients ?? []) client.close(1001, 'server stopping');
    this.authed.clear();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
    const server = this.server;
    this.server = null;
    this.wss = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}
