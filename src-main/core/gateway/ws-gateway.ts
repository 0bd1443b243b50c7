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

export interface WsGatewayOptions {
  router: Router;
  bus: EventBus;
  logger: Logger;
  token: string;
  port: number;
  /** The built renderer to serve, or null for a socket-only gateway. */
  staticDir: string | null;
  maxFrameBytes?: number;
  /** Where to listen; 127.0.0.1 unless a caller opts in to another address (the checkpoints' tests do). */
  host?: string;
}

/** A fresh access token: 192 random bits, URL-safe. */
export function newAccessToken(): string {
  return randomBytes(24).toString('base64url');
}

/** A client that lets this much pile up unsent is too slow: it is dropped and refetches on reconnect. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const HOST = '127.0.0.1';
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
    return host === `${HOST}:${this.boundPort}` || host === `localhost:${this.boundPort}`;
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

  private accept(ws: WebSocket, req: IncomingMessage): void {
    let failedHellos = 0;
    const ctx: ConnectionContext = {
      authenticated: false,
      peer: `ws:${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`,
      authenticate: (token) => {
        // Hellos sent in one burst are all checked before the first reply closes the socket.
        if (failedHellos >= MAX_FAILED_HELLOS) return false;
        if (!tokensEqual(this.expectedToken, token)) {
          failedHellos++;
          return false;
        }
        ctx.authenticated = true;
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
    ws.on('close', () => this.authed.delete(ws));
    ws.on('error', (err) => this.options.logger.warn(`socket ${ctx.peer} failed`, err));
  }

  async stop(): Promise<void> {
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
