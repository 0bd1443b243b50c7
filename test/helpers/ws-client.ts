import WebSocket from 'ws';
import type { EventFrame, ResponseFrame } from '../../src-main/core/protocol/frames.js';

/** A bare protocol client over a real WebSocket, for gateway tests. */
export class TestWsClient {
  readonly events: EventFrame[] = [];
  private readonly pending = new Map<string, (frame: ResponseFrame) => void>();
  /** Calls still waiting: a closed socket fails them at once instead of at their timeout. */
  private readonly waiting = new Set<(err: Error) => void>();
  private readonly anonymous: ResponseFrame[] = [];
  private nextId = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ResponseFrame | EventFrame;
      if (frame.type === 'event') this.events.push(frame);
      else if (frame.id !== null && this.pending.has(frame.id)) {
        this.pending.get(frame.id)!(frame);
        this.pending.delete(frame.id);
      } else this.anonymous.push(frame);
    });
    ws.on('close', () => {
      for (const fail of [...this.waiting]) fail(new Error('the socket closed before the reply'));
    });
  }

  static connect(url: string, headers: Record<string, string> = {}): Promise<TestWsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.once('open', () => resolve(new TestWsClient(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  call(method: string, params?: unknown): Promise<ResponseFrame> {
    const id = `t${++this.nextId}`;
    return this.sendRaw(JSON.stringify({ type: 'req', id, method, params }), id);
  }

  /** Sends any text and resolves with the reply for `id`, or the next id-less reply. */
  sendRaw(raw: string | Buffer, id: string | null = null): Promise<ResponseFrame> {
    return new Promise((resolve, reject) => {
      let poll: NodeJS.Timeout | undefined;
      const settle = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.waiting.delete(fail);
        if (id) this.pending.delete(id);
      };
      const fail = (err: Error) => {
        settle();
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error(`no reply to ${id ?? 'raw frame'}`)), 5000);
      const done = (frame: ResponseFrame) => {
        settle();
        resolve(frame);
      };
      if (this.ws.readyState !== this.ws.OPEN) return fail(new Error('the socket is closed'));
      this.waiting.add(fail);
      if (id) this.pending.set(id, done);
      else {
        poll = setInterval(() => {
          const frame = this.anonymous.shift();
          if (frame) done(frame);
        }, 5);
      }
      this.ws.send(raw);
    });
  }

  close(): void {
    this.ws.close();
  }
}
