import { createHash } from 'node:crypto';
import { chmod, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import { MAX_FRAME_BYTES } from '../protocol/frames.js';
import type { ConnectionContext, Router } from '../protocol/router.js';

/** Unix socket paths are short (104 bytes on macOS): a long data directory's socket goes to the temp dir. */
const MAX_SOCKET_PATH = 100;

/**
 * Where the running core of a data directory listens for the `cell0` command: a Unix socket in
 * the data directory (mode 0600: whoever may read the data directory may drive the app), or a
 * named pipe on Windows. The same path is computed by the CLI from CELL0_HOME.
 */
export function controlSocketPath(dataDir: string): string {
  const digest = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  if (process.platform === 'win32') return `\\\\.\\pipe\\cell0-${digest}`;
  const inside = join(dataDir, 'cell0.sock');
  return Buffer.byteLength(inside) <= MAX_SOCKET_PATH ? inside : join(tmpdir(), `cell0-${digest}.sock`);
}

/**
 * The protocol over the control socket: one JSON frame per line, the same requests, responses and
 * events as a window's. Lets `cell0 mesh pair` and friends act on the app that is running (its
 * mesh node lives there) instead of a second copy of the core.
 */
export class ControlSocket {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private unsubscribe: (() => void) | null = null;
  readonly path: string;

  constructor(private readonly options: { router: Router; bus: EventBus; logger: Logger; dataDir: string }) {
    this.path = controlSocketPath(options.dataDir);
  }

  async start(): Promise<void> {
    if (process.platform !== 'win32' && (await this.inUse())) {
      this.options.logger.warn(
        `another Cell 0 answers on ${this.path}; the cell0 command will talk to that one`,
      );
      return;
    }
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (process.platform !== 'win32') await chmod(this.path, 0o600);
    server.on('error', (err) => this.options.logger.warn('control socket failed', err));
    this.server = server;
    this.unsubscribe = this.options.bus.subscribe((frame) => {
      // No `cell0` command attached (the usual case): no frame is serialised for nobody.
      if (this.sockets.size === 0) return;
      const line = `${JSON.stringify(frame)}\n`;
      for (const s of this.sockets) if (s.writableLength < 8 * 1024 * 1024) s.write(line);
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A socket file left by a crash is removed; one a live core answers on is left alone. */
  private async inUse(): Promise<boolean> {
    const live = await new Promise<boolean>((resolve) => {
      const probe = createConnection(this.path);
      probe.once('connect', () => {
        probe.destroy();
        resolve(true);
      });
      probe.once('error', () => resolve(false));
    });
    if (!live) await unlink(this.path).catch(() => undefined);
    return live;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const ctx: ConnectionContext = { authenticated: true, peer: 'control-socket' };
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_FRAME_BYTES * 2) {
        socket.destroy();
        return;
      }
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.trim()) continue;
        void Promise.resolve(this.options.router.handle(line, ctx)).then((res) => {
          if (!socket.destroyed) socket.write(`${JSON.stringify(res)}\n`);
        });
      }
    });
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }
}
