import { create } from 'zustand';
import type { Conversation } from '../../src-main/core/protocol/index.js';
import { sortConversations } from './conversations.js';

/**
 * The quick prompt's own view of the conversations: it must not go through the main store, whose
 * setAll writes the remembered selection that the main window owns.
 */
interface QuickPromptStore {
  /** Null until conversations.list first answers. */
  conversations: Conversation[] | null;
  /** The main window's selection when the list was last read. */
  rememberedId: string | null;
  loadError: string | null;
  setConversations(conversations: Conversation[], rememberedId: string | null): void;
  upsert(conversation: Conversation): void;
  remove(id: string): void;
  setLoadError(message: string | null): void;
}

export const useQuickPrompt = create<QuickPromptStore>()((set, get) => ({
  conversations: null,
  rememberedId: null,
  loadError: null,
  setConversations: (conversations, rememberedId) =>
    set({ conversations: sortConversations(conversations), rememberedId, loadError: null }),
  upsert: (conversation) => {
    const list = get().conversations;
    if (!list) return;
    set({
      conversations: sortConversations([...list.filter((c) => c.id !== conversation.id), conversation]),
    });
  },
  remove: (id) => {
    const list = get().conversations;
    if (list) set({ conversations: list.filter((c) => c.id !== id) });
  },
  setLoadError: (loadError) => set({ loadError }),
}));
