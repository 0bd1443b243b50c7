import { StorageService } from '../../../../src-main/core/storage/storage-service.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DAY = 86_400_000;

export interface SeedMemory {
  id: string;
  text: string;
  kind?: string;
  importance?: number;
  pinned?: boolean;
  status?: 'active' | 'retired';
  eventDate?: string | null;
  createdAt?: number;
}

export interface SeedMessage {
  conversationId: string;
  id: string;
  content: string;
  role?: 'user' | 'assistant';
  status?: string;
  createdAt?: number;
}

/** A migrated database in a temporary directory, with helpers that write rows the way the app does. */
export async function openSeededStorage() {
  // Not test/helpers' tempDir: that module pulls in the whole core, which these tests do not need.
  const dir = await mkdtemp(join(tmpdir(), 'cell0-retrieval-'));
  const storage = new StorageService(dir);
  await storage.start();
  const db = storage.db;
  const conversations = new Set<string>();
  const nextIdx = new Map<string, number>();
  const base = Date.UTC(2024, 5, 1);

  async function addMemory(m: SeedMemory): Promise<void> {
    const at = m.createdAt ?? base;
    await db.run(
      `INSERT INTO memories (id, text, kind, importance, pinned, status, event_date, sources, created_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, '[]', 'daemon', ?, ?)`,
      [
        m.id,
        m.text,
        m.kind ?? 'fact',
        m.importance ?? 0.5,
        m.pinned ? 1 : 0,
        m.status ?? 'active',
        m.eventDate ?? null,
        at,
        at,
      ],
    );
  }

  async function addMessage(m: SeedMessage): Promise<void> {
    const at = m.createdAt ?? base;
    if (!conversations.has(m.conversationId)) {
      conversations.add(m.conversationId);
      await db.run('INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)', [
        m.conversationId,
        `Conversation ${m.conversationId}`,
        at,
        at,
      ]);
    }
    const idx = nextIdx.get(m.conversationId) ?? 0;
    nextIdx.set(m.conversationId, idx + 1);
    await db.run(
      `INSERT INTO messages (id, conversation_id, idx, role, content, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [m.id, m.conversationId, idx, m.role ?? 'user', m.content, m.status ?? 'complete', at, at],
    );
  }

  return {
    db,
    base,
    day: DAY,
    addMemory,
    addMessage,
    async close() {
      await storage.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
