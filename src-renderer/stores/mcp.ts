import { create } from 'zustand';
import type { McpServeSettings, McpServer } from '../../src-main/core/protocol/index.js';

interface McpStore {
  /** null until the first list arrives. */
  servers: McpServer[] | null;
  serve: McpServeSettings;
  setAll(list: { servers: McpServer[]; serve: McpServeSettings }): void;
  upsert(server: McpServer): void;
  remove(id: string): void;
  setServe(serve: McpServeSettings): void;
}

export const useMcp = create<McpStore>()((set) => ({
  servers: null,
  serve: { enabled: false },
  setAll: (list) => set(list),
  upsert: (server) =>
    set((s) => {
      const servers = s.servers ?? [];
      const known = servers.find((x) => x.config.id === server.config.id);
      // Announcements can cross a list reply: the newer state of a server wins.
      if (known && known.updatedAt > server.updatedAt) return {};
      return {
        servers: known
          ? servers.map((x) => (x.config.id === server.config.id ? server : x))
          : [...servers, server],
      };
    }),
  remove: (id) => set((s) => ({ servers: (s.servers ?? []).filter((x) => x.config.id !== id) })),
  setServe: (serve) => set({ serve }),
}));
