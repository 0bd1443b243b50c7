import { create } from 'zustand';
import type {
  DaemonStatus,
  EmbeddingStatus,
  Memory,
  UsedMemory,
} from '../../src-main/core/protocol/index.js';

export type ListStatus = 'idle' | 'loading' | 'ready' | 'error';

/** The Memory view's list: one page after another of what memories.list answered for the filter. */
export interface MemoryList {
  items: Memory[];
  /** How many match on the core; more than items.length means "Load more". */
  total: number;
  query: string;
  includeRetired: boolean;
  status: ListStatus;
  error: string | null;
  /** Bumped by each new filter, so an answer for an older filter is dropped. */
  seq: number;
}

/** The memories one reply was given: pushed when it is written, or asked for after a reload. */
export interface UsedEntry {
  status: 'loading' | 'ready' | 'error';
  memories: UsedMemory[];
  error: string | null;
}

export const EMPTY_LIST: MemoryList = {
  items: [],
  total: 0,
  query: '',
  includeRetired: false,
  status: 'idle',
  error: null,
  seq: 0,
};

/** Pinned first, then newest first: the order the view promises. */
export function compareMemories(a: Memory, b: Memory): number {
  if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
  return b.createdAt - a.createdAt || a.id.localeCompare(b.id);
}

function visible(list: MemoryList, memory: Memory): boolean {
  return list.includeRetired || memory.status !== 'retired';
}

/** Adds a page, skipping memories already shown (a live insert shifts the core's offsets by one). */
export function appendPage(list: MemoryList, page: Memory[], total: number): MemoryList {
  const seen = new Set(list.items.map((m) => m.id));
  const items = [...list.items, ...page.filter((m) => !seen.has(m.id))].sort(compareMemories);
  return { ...list, items, total, status: 'ready', error: null };
}

/**
 * A memory changed or appeared. Under a search only the shown ones are updated: whether a new one
 * matches is the core's call (its search is not a substring test), so it appears on the next search.
 */
export function applyUpdated(list: MemoryList, memory: Memory): MemoryList {
  const at = list.items.findIndex((m) => m.id === memory.id);
  if (!visible(list, memory)) {
    if (at < 0) return list;
    return {
      ...list,
      items: list.items.filter((m) => m.id !== memory.id),
      total: Math.max(0, list.total - 1),
    };
  }
  if (at >= 0) {
    const items = list.items.map((m) => (m.id === memory.id ? memory : m)).sort(compareMemories);
    return { ...list, items };
  }
  if (list.query !== '' || list.status !== 'ready') return list;
  return { ...list, items: [...list.items, memory].sort(compareMemories), total: list.total + 1 };
}

export function applyDeleted(list: MemoryList, id: string): MemoryList {
  if (!list.items.some((m) => m.id === id)) return list;
  return { ...list, items: list.items.filter((m) => m.id !== id), total: Math.max(0, list.total - 1) };
}

interface MemoryStore {
  list: MemoryList;
  daemon: DaemonStatus | null;
  /** The embedder memory search uses, and a re-index under way. */
  embedding: EmbeddingStatus | null;
  /** By message id. */
  used: Record<string, UsedEntry>;
  /** Starts a new filter; returns its seq for the answer to quote. */
  startList(query: string, includeRetired: boolean): number;
  startMore(): void;
  listPage(seq: number, page: Memory[], total: number): void;
  listFailed(seq: number, error: string): void;
  updated(memory: Memory): void;
  deleted(id: string): void;
  setDaemon(status: DaemonStatus): void;
  setEmbedding(status: EmbeddingStatus): void;
  setUsed(messageId: string, entry: UsedEntry): void;
}

export const useMemory = create<MemoryStore>()((set, get) => ({
  list: EMPTY_LIST,
  daemon: null,
  embedding: null,
  used: {},
  startList: (query, includeRetired) => {
    const seq = get().list.seq + 1;
    set({ list: { ...EMPTY_LIST, query, includeRetired, status: 'loading', seq } });
    return seq;
  },
  startMore: () => set({ list: { ...get().list, status: 'loading', error: null } }),
  listPage: (seq, page, total) => {
    const { list } = get();
    if (seq === list.seq) set({ list: appendPage(list, page, total) });
  },
  listFailed: (seq, error) => {
    const { list } = get();
    if (seq === list.seq) set({ list: { ...list, status: 'error', error } });
  },
  updated: (memory) => {
    const list = applyUpdated(get().list, memory);
    // A retired or edited memory may be quoted under a reply; its text there stays as it was used.
    if (list !== get().list) set({ list });
  },
  deleted: (id) => {
    const list = applyDeleted(get().list, id);
    if (list !== get().list) set({ list });
  },
  setDaemon: (daemon) => set({ daemon }),
  setEmbedding: (embedding) => set({ embedding }),
  setUsed: (messageId, entry) => set({ used: { ...get().used, [messageId]: entry } }),
}));
