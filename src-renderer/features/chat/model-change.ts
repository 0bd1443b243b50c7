import type { Message } from '../../../src-main/core/protocol/index.js';

/** How far back a row looks for the previous reply; beyond that it just names its model. */
const LOOKBACK = 12;

/**
 * Whether a reply was written by another model than the reply before it, so the row says which.
 * Unknown (the previous reply is not loaded) counts as changed: naming the model is never wrong.
 */
export function modelChanged(get: (index: number) => Message | undefined, message: Message): boolean {
  for (let i = message.index - 1; i >= Math.max(0, message.index - LOOKBACK); i--) {
    const prev = get(i);
    if (!prev) return true;
    if (prev.role !== 'assistant') continue;
    return prev.model !== message.model || prev.providerId !== message.providerId;
  }
  return true;
}
