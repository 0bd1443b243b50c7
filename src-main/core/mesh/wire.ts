import './promise-shim.js';
import type { Stream } from '@libp2p/interface';
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils';

/** Largest message a peer may send (a worker's prompt with its inputs fits many times over). */
export const MAX_MESSAGE_BYTES = 1 << 20;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * JSON messages over one libp2p stream, each length-prefixed (varint), at most MAX_MESSAGE_BYTES.
 * `receive` returns null when the peer closed its end between messages; anything else that goes
 * wrong (a reset, a message too large, text that is not JSON) throws.
 */
export class Channel {
  private readonly lp: LengthPrefixedStream<Stream>;

  constructor(readonly stream: Stream) {
    this.lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES });
  }

  async send(message: unknown, signal?: AbortSignal): Promise<void> {
    await this.lp.write(encoder.encode(JSON.stringify(message)), signal ? { signal } : {});
  }

  async receive(signal?: AbortSignal): Promise<unknown> {
    let bytes;
    try {
      bytes = await this.lp.read(signal ? { signal } : {});
    } catch (err) {
      if ((err as Error).name === 'UnexpectedEOFError' && this.stream.readBufferLength === 0) return null;
      throw err;
    }
    return JSON.parse(decoder.decode(bytes.subarray()));
  }

  /** Closes our end once what was sent has gone; a stream that cannot close cleanly is aborted. */
  async close(): Promise<void> {
    try {
      await this.stream.close({ signal: AbortSignal.timeout(5_000) });
    } catch (err) {
      this.stream.abort(err instanceof Error ? err : new Error(String(err)));
    }
  }

  abort(reason: string): void {
    this.stream.abort(new Error(reason));
  }
}
