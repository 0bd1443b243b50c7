import type { Message } from '../../src-main/core/protocol/index.js';

export function message(index: number, patch: Partial<Message> = {}): Message {
  return {
    id: `m${index}`,
    conversationId: 'c1',
    index,
    role: index % 2 === 0 ? 'user' : 'assistant',
    content: `text ${index}`,
    status: 'complete',
    error: null,
    providerId: null,
    model: null,
    usage: null,
    createdAt: 1000 + index,
    ...patch,
  };
}
