import type { Socket } from 'node:net';

/**
 * Reads a socket's first bytes on demand (a proxy's handshake), then hands over whatever came
 * after them, so the connection can be piped on without losing a byte.
 */
export class SocketReader {
  private buffered: Buffer;
  private waiting: {
    need: (b: Buffer) => number;
    resolve: (b: Buffer) => void;
    reject: (e: Error) => void;
  } | null = null;
  private ended: Error | null = null;
  private readonly onData = (chunk: Buffer) => {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    this.settle();
  };
  private readonly onEnd = () => {
    this.ended = new Error('the client closed the connection');
    this.settle();
  };

  constructor(
    private readonly socket: Socket,
    initial: Buffer = Buffer.alloc(0),
    /** No handshake needs more: a client sending more before its request is cut off. */
    private readonly maxBytes = 64 * 1024,
  ) {
    this.buffered = initial;
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onEnd);
    socket.resume();
  }

  /** Exactly n bytes. */
  read(n: number): Promise<Buffer> {
    return this.until((b) => (b.length >= n ? n : -1));
  }

  /** Everything up to and including the first `marker`. */
  readThrough(marker: string): Promise<Buffer> {
    const m = Buffer.from(marker);
    return this.until((b) => {
      const at = b.indexOf(m);
      return at < 0 ? -1 : at + m.length;
    });
  }

  /** Stops reading: the bytes read ahead are returned, and the socket is left paused for piping. */
  release(): Buffer {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('error', this.onEnd);
    this.socket.pause();
    const rest = this.buffered;
    this.buffered = Buffer.alloc(0);
    return rest;
  }

  private until(need: (b: Buffer) => number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.waiting = { need, resolve, reject };
      this.settle();
    });
  }

  private settle(): void {
    const w = this.waiting;
    if (!w) return;
    const n = w.need(this.buffered);
    if (n >= 0) {
      this.waiting = null;
      const out = this.buffered.subarray(0, n);
      this.buffered = this.buffered.subarray(n);
      w.resolve(out);
    } else if (this.buffered.length > this.maxBytes) {
      this.waiting = null;
      w.reject(new Error('the request is too large'));
    } else if (this.ended) {
      this.waiting = null;
      w.reject(this.ended);
    }
  }
}
