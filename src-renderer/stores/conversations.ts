import { create } from 'zustand';
import type { Conversation } from '../../src-main/core/protocol/index.js';
import { sameModelRef } from '../lib/model-ref.js';

const SELECTED_KEY = 'cell0.selectedConversation';

interface ConversationsStore {
  /** Most recently updated first. */
  list: Conversation[];
  loaded: boolean;
  selectedId: string | null;
  /** Replaces the list; keeps the remembered selection if it still exists, else the most recent. */
  setAll(conversations: Conversation[]): void;
  upsert(conversation: Conversation): void;
  remove(id: string): void;
  select(id: string | null): void;
}

/** Pinned first, then most recently updated. */
export function sortConversations(list: Conversation[]): Conversation[] {
  return [...list].sort(
    (a, b) =>
      Number(b.pinned ?? false) - Number(a.pinned ?? false) ||
      b.updatedAt - a.updatedAt ||
      b.createdAt - a.createdAt ||
      (a.id < b.id ? -1 : 1),
  );
}

interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Absent outside a browser (unit tests run in Node). */
function storage(): KeyValueStorage | undefined {
  return (globalThis as { localStorage?: KeyValueStorage }).localStorage;
}

/** The selection this origin's main window remembers (the quick prompt reads it: storage is shared). */
export function readRemembered(): string | null {
  try {
    return storage()?.getItem(SELECTED_KEY) ?? null;
  } catch {
    return null;
  }
}

function remember(id: string | null): void {
  try {
    if (id) storage()?.setItem(SELECTED_KEY, id);
    else storage()?.removeItem(SELECTED_KEY);
  } catch {
    // Storage can be disabled (private mode); forgetting the selection is harmless.
  }
}

/** Ids deleted in this session: a late conversation.updated must not bring one back. */
const deletedIds = new Set<string>();

export const useConversations = create<ConversationsStore>()((set, get) => ({
  list: [],
  loaded: false,
  selectedId: readRemembered(),
  setAll: (conversations) => {
    const list = sortConversations(conversations.filter((c) => !deletedIds.has(c.id)));
    const wanted = get().selectedId;
    const selectedId = list.some((c) => c.id === wanted) ? wanted : (list[0]?.id ?? null);
    remember(selectedId);
    set({ list, loaded: true, selectedId });
  },
  upsert: (conversation) => {
    if (deletedIds.has(conversation.id)) return;
    const { list } = get();
    const existing = list.find((c) => c.id === conversation.id);
    if (existing && existing.updatedAt > conversation.updatedAt) return;
    if (
      existing &&
      existing.updatedAt === conversation.updatedAt &&
      existing.title === conversation.title &&
      existing.messageCount === conversation.messageCount &&
      existing.pinned === conversation.pinned &&
      existing.archived === conversation.archived &&
      existing.workspace === conversation.workspace &&
      JSON.stringify(existing.settings) === JSON.stringify(conversation.settings) &&
      sameModelRef(existing.modelRef, conversation.modelRef)
    ) {
      return;
    }
    set({ list: sortConversations([...list.filter((c) => c.id !== conversation.id), conversation]) });
  },
  remove: (id) => {
    deletedIds.add(id);
    const list = get().list.filter((c) => c.id !== id);
    const selectedId = get().selectedId === id ? (list[0]?.id ?? null) : get().selectedId;
    if (selectedId !== get().selectedId) remember(selectedId);
    set({ list, selectedId });
  },
  select: (id) => {
    remember(id);
    set({ selectedId: id });
  },
}));
