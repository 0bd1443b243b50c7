import { createConnection, type Socket } from 'node:net';
import { controlSocketPath } from '../core/gateway/control-socket.js';
import { Cell0Error, type ErrorCode } from '../core/protocol/errors.js';
import type { EventFrame, ResponseFrame } from '../core/protocol/frames.js';
import type { MethodName, MethodParams, MethodResult } from '../core/protocol/methods.js';

/** The running app could not be reached on its control socket. */
export class NotRunning extends Error {}

/**
 * The `cell0` command's line to the app that runs on the same data directory (the desktop app
 * or `cell0 serve`): protocol frames over its control socket.
 */
export class ControlClient {
  private buffer = '';
  private nextId = 0;
  private readonly pending = new Map<string, (frame: ResponseFrame) => void>();
  private readonly listeners = new Set<(frame: EventFrame) => void>();

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        const frame = JSON.parse(line) as ResponseFrame | EventFrame;
        if (frame.type === 'event') for (const l of this.listeners) l(frame);
        else if (frame.id !== null) this.pending.get(frame.id)?.(frame);
      }
    });
    socket.on('close', () => {
      for (const resolve of this.pending.values()) {
        resolve({
          type: 'res',
          id: null,
          ok: false,
          error: { code: 'INTERNAL', message: 'Cell 0 closed the connection.' },
        });
      }
      this.pending.clear();
    });
  }

  static connect(dataDir: string): Promise<ControlClient> {
    const path = controlSocketPath(dataDir);
    return new Promise((resolve, reject) => {
      const socket = createConnection(path);
      socket.once('connect', () => resolve(new ControlClient(socket)));
      socket.once('error', () =>
        reject(
          new NotRunning(
            `No Cell 0 is running on ${dataDir}. Start it first (\`cell0 serve\` or the desktop app): the mesh runs inside it.`,
          ),
        ),
      );
    });
  }

  call<M extends MethodName>(method: M, params?: MethodParams<M>): Promise<MethodResult<M>> {
    const id = `cli-${++this.nextId}`;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (frame) => {
        this.pending.delete(id);
        if (frame.ok) resolve(frame.result as MethodResult<M>);
        else reject(new Cell0Error(frame.error.code as ErrorCode, frame.error.message));
      });
      this.socket.write(`${JSON.stringify({ type: 'req', id, method, params })}\n`);
    });
  }

  onEvent(listener: (frame: EventFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.socket.end();
  }
}
