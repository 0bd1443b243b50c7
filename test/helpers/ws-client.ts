import WebSocket from 'ws';
import type { EventFrame, ResponseFrame } from '../../src-main/core/protocol/frames.js';

/** A bare protocol client over a real WebSocket, for gateway tests. */
export class TestWsClient {
  readonly events: EventFrame[] = [];
  private readonly pending = new Map<string, (frame: ResponseFrame) => void>();
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
      const timer = setTimeout(() => reject(new Error(`no reply to ${id ?? 'raw frame'}`)), 5000);
      const done = (frame: ResponseFrame) => {
        clearTimeout(timer);
        resolve(frame);
      };
      if (id) this.pending.set(id, done);
      else {
        const poll = setInterval(() => {
          const frame = this.anonymous.shift();
          if (frame) {
            clearInterval(poll);
            done(frame);
          }
        }, 5);
      }
      this.ws.send(raw);
    });
  }

  close(): void {
    this.ws.close();
  }
}
