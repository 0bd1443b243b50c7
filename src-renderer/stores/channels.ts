import { create } from 'zustand';
import type { Channel, ChannelChat, ChannelStatus, Pairing } from '../../src-main/core/protocol/index.js';

interface ChannelsStore {
  channels: Channel[];
  chats: ChannelChat[];
  pairings: Pairing[];
  setAll(list: { channels: Channel[]; chats: ChannelChat[]; pairings: Pairing[] }): void;
  upsert(channel: Channel): void;
  remove(id: string): void;
  status(channelId: string, status: ChannelStatus): void;
  chat(chat: ChannelChat): void;
  pairing(pairing: Pairing): void;
  pairingResolved(code: string): void;
}

export const useChannels = create<ChannelsStore>()((set) => ({
  channels: [],
  chats: [],
  pairings: [],
  setAll: (list) => set(list),
  upsert: (channel) =>
    set((s) => ({
      channels: s.channels.some((c) => c.id === channel.id)
        ? s.channels.map((c) => (c.id === channel.id ? channel : c))
        : [...s.channels, channel],
    })),
  remove: (id) =>
    set((s) => ({
      channels: s.channels.filter((c) => c.id !== id),
      pairings: s.pairings.filter((p) => p.channelId !== id),
    })),
  status: (channelId, status) =>
    set((s) => ({ channels: s.channels.map((c) => (c.id === channelId ? { ...c, status } : c)) })),
  chat: (chat) =>
    set((s) => ({
      chats: [...s.chats.filter((c) => c.conversationId !== chat.conversationId), chat],
    })),
  pairing: (pairing) =>
    set((s) => ({ pairings: [...s.pairings.filter((p) => p.code !== pairing.code), pairing] })),
  pairingResolved: (code) => set((s) => ({ pairings: s.pairings.filter((p) => p.code !== code) })),
}));
