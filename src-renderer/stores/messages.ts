import { create } from 'zustand';
import type { EventPayload, Message } from '../../src-main/core/protocol/index.js';
import { applyRetrying, applyToolCall, clearRetrying, type LiveMap } from '../lib/live-activity.js';
import { MessageCache } from '../lib/message-cache.js';
import type { PageLoader } from '../lib/page-loader.js';

/** A user message shown before chat.send answers; replaced by the stored one when it does. */
export interface PendingMessage {
  clientMessageId: string;
  conversationId: string;
  text: string;
  createdAt: number;
}

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

interface MessagesStore {
  /** The conversation on screen; every update for another one is ignored. */
  conversationId: string | null;
  cache: MessageCache;
  loader: PageLoader | null;
  /** Mirrors cache.total so the list re-renders when it grows. */
  total: number;
  /** Bumped on every cache change: rows re-read their message, only changed ones re-render. */
  version: number;
  streaming: boolean;
  status: LoadStatus;
  loadError: string | null;
  pending: PendingMessage[];
  sendError: string | null;
  /** Bumped after a reconnect so the list re-requests the pages it shows. */
  epoch: number;
  /**
   * Retry waits and requested tools, by message id, for every conversation: kept across switching
   * conversations because the events are not sent again. Live only; lost on reload by design.
   */
  live: LiveMap;

  reset(conversationId: string | null, loader: PageLoader | null): void;
  /** The open conversation's messages changed in place (a version switch, a deletion): drop them all. */
  replaceAll(conversationId: string, total: number, loader: PageLoader): void;
  setLoadStatus(status: LoadStatus, loadError?: string | null): void;
  setTotal(conversationId: string, total: number): void;
  upsertMessages(conversationId: string, messages: Message[], total?: number): void;
  applyDeltas(deltas: ReadonlyMap<string, string>): void;
  addPending(pending: PendingMessage): void;
  removePending(clientMessageId: string): void;
  setSendError(message: string | null): void;
  bumpEpoch(): void;
  noteRetrying(event: EventPayload<'message.retrying'>, now: number): void;
  noteToolCall(event: EventPayload<'message.toolCall'>): void;
  /** Text arrived or the reply finished, so a retry notice is over. */
  endRetrying(messageId: string): void;
}

export const useMessages = create<MessagesStore>()((set, get) => {
  function changed(extra: Partial<MessagesStore> = {}): void {
    const { cache, version } = get();
    set({ version: version + 1, total: cache.total, streaming: cache.isStreaming, ...extra });
  }

  return {
    conversationId: null,
    cache: new MessageCache(),
    loader: null,
    total: 0,
    version: 0,
    streaming: false,
    status: 'idle',
    loadError: null,
    pending: [],
    sendError: null,
    epoch: 0,
    live: {},

    reset: (conversationId, loader) => {
      get().loader?.dispose();
      set({
        conversationId,
        cache: new MessageCache(),
        loader,
        total: 0,
        version: get().version + 1,
        streaming: false,
        status: conversationId ? 'loading' : 'idle',
        loadError: null,
        pending: get().pending.filter((p) => p.conversationId === conversationId),
        sendError: null,
      });
    },
    replaceAll: (conversationId, total, loader) => {
      if (conversationId !== get().conversationId) {
        loader.dispose();
        return;
      }
      get().loader?.dispose();
      const cache = new MessageCache();
      cache.setTotal(total);
      set({
        cache,
        loader,
        total,
        version: get().version + 1,
        streaming: false,
        epoch: get().epoch + 1,
      });
    },
    setLoadStatus: (status, loadError = null) => set({ status, loadError }),
    setTotal: (conversationId, total) => {
      if (conversationId !== get().conversationId) return;
      const { cache } = get();
      const before = cache.total;
      cache.setTotal(total);
      if (cache.total !== before) changed();
    },
    upsertMessages: (conversationId, messages, total) => {
      if (conversationId !== get().conversationId) return;
      const { cache } = get();
      const before = cache.total;
      let pending = get().pending;
      let any = false;
      for (const m of messages) {
        const isNew = m.index >= before;
        if (cache.upsert(m)) any = true;
        if (m.role === 'user' && isNew) {
          // The stored twin of an optimistic message can arrive as an event before chat.send answers.
          const twin = pending.findIndex(
            (p) => p.text === m.content.trim() && p.conversationId === conversationId,
          );
          if (twin >= 0) pending = pending.filter((_, i) => i !== twin);
        }
      }
      if (total !== undefined) cache.setTotal(total);
      if (any || cache.total !== before || pending !== get().pending) changed({ pending });
    },
    applyDeltas: (deltas) => {
      const { cache } = get();
      let any = false;
      for (const [id, text] of deltas) if (cache.appendDelta(id, text)) any = true;
      if (any) changed();
    },
    addPending: (p) => {
      if (p.conversationId !== get().conversationId) return;
      set({ pending: [...get().pending, p] });
    },
    removePending: (clientMessageId) => {
      const pending = get().pending;
      if (pending.some((p) => p.clientMessageId === clientMessageId)) {
        set({ pending: pending.filter((p) => p.clientMessageId !== clientMessageId) });
      }
    },
    setSendError: (sendError) => set({ sendError }),
    bumpEpoch: () => set({ epoch: get().epoch + 1 }),
    noteRetrying: (event, now) => set({ live: applyRetrying(get().live, event, now) }),
    noteToolCall: (event) => {
      const live = applyToolCall(get().live, event);
      if (live !== get().live) set({ live });
    },
    endRetrying: (messageId) => {
      const live = clearRetrying(get().live, messageId);
      if (live !== get().live) set({ live });
    },
  };
});
