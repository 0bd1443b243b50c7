import type { ChatService } from '../../agents/chat-service.js';
import type { EventBus } from '../../base/event-bus.js';
import type { ConversationStore } from '../../conversations/store.js';
import type { EventPayload } from '../../protocol/events.js';
import type { AgentEntry } from './inbound-router.js';

/** How long a channel message waits for a busy conversation before it asks again. */
const IDLE_RECHECK_MS = 30_000;

/** The chat service as the channels' way in: the same agent turn, memory and kernel as the window. */
export function chatAgentEntry(chat: ChatService, bus: EventBus, store: ConversationStore): AgentEntry {
  return {
    send: (conversationId, text, clientMessageId) => chat.send(conversationId, text, clientMessageId),
    replyEnded: (messageId) =>
      new Promise<void>((resolve, reject) => {
        // Subscribed before the store is read, so an ending between the two is not missed.
        const unsubscribe = bus.subscribe((frame) => {
          if (frame.event !== 'message.updated') return;
          const { message } = frame.payload as EventPayload<'message.updated'>;
          if (message.id === messageId && message.status !== 'streaming') {
            unsubscribe();
            resolve();
          }
        });
        store.message(messageId).then(
          (m) => {
            if (m.status !== 'streaming') {
              unsubscribe();
              resolve();
            }
          },
          (err: unknown) => {
            unsubscribe();
            reject(err instanceof Error ? err : new Error(String(err)));
          },
        );
      }),
    idle: (conversationId) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          unsubscribe();
          resolve();
        };
        const timer = setTimeout(done, IDLE_RECHECK_MS);
        const unsubscribe = bus.subscribe((frame) => {
          const payload = frame.payload as {
            message?: { conversationId: string };
            run?: { conversationId: string };
          };
          if (
            (frame.event === 'message.updated' && payload.message?.conversationId === conversationId) ||
            (frame.event === 'swarm.updated' && payload.run?.conversationId === conversationId)
          ) {
            done();
          }
        });
      }),
  };
}
