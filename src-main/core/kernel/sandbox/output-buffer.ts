/**
 * The output of one run: bytes counted as they arrive, kept up to the limit, decoded without
 * splitting a UTF-8 sequence, and passed on live.
 */
import { StringDecoder } from 'node:string_decoder';

export const TRUNCATION_NOTE = '\n[output truncated]\n';

export class OutputBuffer {
  private readonly decoder = new StringDecoder('utf8');
  private readonly parts: string[] = [];
  private bytes = 0;
  private full = false;

  constructor(
    private readonly limitBytes: number,
    private readonly onOutput?: (chunk: string) => void,
  ) {}

  get truncated(): boolean {
    return this.full;
  }

  /** Takes a chunk; returns false once the limit is passed (the caller then stops the run). */
  push(chunk: Buffer | string): boolean {
    if (this.full) return false;
    const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const room = this.limitBytes - this.bytes;
    const kept = data.length > room ? data.subarray(0, room) : data;
    this.bytes += kept.length;
    const text = this.decoder.write(kept);
    if (data.length > room) {
      this.full = true;
      // A sequence cut at the limit is dropped rather than shown as a replacement character.
      const last = text + TRUNCATION_NOTE;
      this.emit(last);
      return false;
    }
    this.emit(text);
    return true;
  }

  /** Everything kept, with the note when it was cut. */
  text(): string {
    if (!this.full) {
      const rest = this.decoder.end();
      if (rest) this.parts.push(rest);
    }
    return this.parts.join('');
  }

  private emit(text: string): void {
    if (!text) return;
    this.parts.push(text);
    this.onOutput?.(text);
  }
}
