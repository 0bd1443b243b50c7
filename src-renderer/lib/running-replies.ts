import type { Message } from '../../src-main/core/protocol/index.js';

/** Streaming assistant message ids per conversation, from message events of every conversation. */
export type RunningReplies = Readonly<Record<string, readonly string[]>>;

export function applyReplyStatus(map: RunningReplies, message: Message): RunningReplies {
  if (message.role !== 'assistant') return map;
  const ids = map[message.conversationId] ?? [];
  const has = ids.includes(message.id);
  if (message.status === 'streaming') {
    if (has) return map;
    return { ...map, [message.conversationId]: [...ids, message.id] };
  }
  if (!has) return map;
  const rest = ids.filter((id) => id !== message.id);
  const next = { ...map };
  if (rest.length === 0) delete next[message.conversationId];
  else next[message.conversationId] = rest;
  return next;
}

export function runningConversationCount(map: RunningReplies): number {
  return Object.keys(map).length;
}
