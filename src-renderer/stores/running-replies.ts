import { create } from 'zustand';
import type { Message } from '../../src-main/core/protocol/index.js';
import { applyReplyStatus, type RunningReplies } from '../lib/running-replies.js';

interface RunningRepliesStore {
  /** Replies being written now, per conversation: the composer offers "Stop all" when several run. */
  byConversation: RunningReplies;
  note(message: Message): void;
  /** After a reconnect: replies that ended while the link was down sent no event. */
  clear(): void;
}

export const useRunningReplies = create<RunningRepliesStore>()((set, get) => ({
  byConversation: {},
  note: (message) => {
    const next = applyReplyStatus(get().byConversation, message);
    if (next !== get().byConversation) set({ byConversation: next });
  },
  clear: () => set({ byConversation: {} }),
}));
