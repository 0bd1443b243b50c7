import type { Message } from '../../src-main/core/protocol/index.js';

/**
 * One message reaches the window several ways (page fetch, chat.send's answer, message.created,
 * deltas, message.updated) in no guaranteed order. Merging keeps the freshest view: a final state
 * always wins, a streaming snapshot never shortens text the deltas already delivered, and a stale
 * streaming copy never reopens a finished message.
 */
export function mergeMessage(existing: Message | undefined, incoming: Message): Message {
  if (!existing) return incoming;
  let next = incoming;
  if (incoming.status === 'streaming') {
    if (existing.status !== 'streaming') return existing;
    if (existing.content.length > incoming.content.length) next = { ...incoming, content: existing.content };
  }
  return sameMessage(existing, next) ? existing : next;
}

function sameMessage(a: Message, b: Message): boolean {
  return (
    a.id === b.id &&
    a.index === b.index &&
    a.status === b.status &&
    a.content === b.content &&
    a.model === b.model &&
    a.providerId === b.providerId &&
    a.usage?.inputTokens === b.usage?.inputTokens &&
    a.usage?.outputTokens === b.usage?.outputTokens &&
    a.usage?.costUsd === b.usage?.costUsd &&
    a.error?.code === b.error?.code &&
    a.error?.message === b.error?.message
  );
}
