import type { Message } from '../../src-main/core/protocol/index.js';
import { mergeMessage } from './message-merge.js';

/**
 * The loaded part of one conversation, keyed by the message's stable index. Sparse on purpose:
 * a conversation may hold 10,000+ messages and only the pages near the viewport are fetched.
 * Mutable so a delta touches one entry instead of copying thousands; the store bumps a version.
 */
export class MessageCache {
  private readonly byIndex = new Map<number, Message>();
  private readonly indexById = new Map<string, number>();
  private readonly streaming = new Set<string>();
  private knownTotal = 0;

  get total(): number {
    return this.knownTotal;
  }

  /** Only grows from a message's index; a smaller total from a stale page answer is ignored. */
  setTotal(total: number): void {
    this.knownTotal = Math.max(this.knownTotal, total);
  }

  get(index: number): Message | undefined {
    return this.byIndex.get(index);
  }

  has(index: number): boolean {
    return this.byIndex.has(index);
  }

  byId(id: string): Message | undefined {
    const index = this.indexById.get(id);
    return index === undefined ? undefined : this.byIndex.get(index);
  }

  /** The loaded messages, in no particular order. */
  loaded(): IterableIterator<Message> {
    return this.byIndex.values();
  }

  get isStreaming(): boolean {
    return this.streaming.size > 0;
  }

  /** Returns whether anything visible changed. */
  upsert(message: Message): boolean {
    const existing = this.byIndex.get(message.index);
    const merged = mergeMessage(existing?.id === message.id ? existing : undefined, message);
    this.setTotal(message.index + 1);
    if (merged === existing) return false;
    if (existing && existing.id !== message.id) {
      this.indexById.delete(existing.id);
      this.streaming.delete(existing.id);
    }
    this.byIndex.set(message.index, merged);
    this.indexById.set(merged.id, merged.index);
    if (merged.status === 'streaming') this.streaming.add(merged.id);
    else this.streaming.delete(merged.id);
    return true;
  }

  /** Appends streamed text; unknown or finished messages are ignored (their final text comes whole). */
  appendDelta(messageId: string, text: string): boolean {
    const message = this.byId(messageId);
    if (!message || message.status !== 'streaming' || text === '') return false;
    this.byIndex.set(message.index, { ...message, content: message.content + text });
    return true;
  }
}
