import {
  MEMORY_KINDS,
  type Memory,
  type MemoryKind,
  type MemorySource,
} from '../../protocol/memory-entities.js';

/** Statuses of messages worth retrieving: finished (or cut short) replies, never drafts or failures. */
export const RETRIEVABLE_STATUSES = ['complete', 'stopped', 'interrupted'] as const;
export const RETRIEVABLE_STATUS_SQL = RETRIEVABLE_STATUSES.map((s) => `'${s}'`).join(', ');

export interface MemoryRow {
  rowid: number;
  id: string;
  text: string;
  kind: string;
  importance: number;
  pinned: number;
  status: string;
  event_date: string | null;
  sources: string;
  created_by: string;
  superseded_by: string | null;
  created_at: number;
  updated_at: number;
}

export const MEMORY_COLUMNS =
  'rowid, id, text, kind, importance, pinned, status, event_date, sources, created_by, superseded_by, created_at, updated_at';

export interface MessageRow {
  rowid: number;
  id: string;
  conversation_id: string;
  idx: number;
  role: 'user' | 'assistant';
  content: string;
  created_at: number;
}

function parseSources(json: string): MemorySource[] {
  try {
    const value: unknown = JSON.parse(json);
    if (!Array.isArray(value)) return [];
    return value.filter(
      (s): s is MemorySource =>
        typeof s === 'object' &&
        s !== null &&
        typeof (s as MemorySource).conversationId === 'string' &&
        typeof (s as MemorySource).messageId === 'string',
    );
  } catch {
    // A damaged sources column must not make the memory unfindable.
    return [];
  }
}

export function memoryFromRow(row: MemoryRow): Memory {
  const kind = (MEMORY_KINDS as readonly string[]).includes(row.kind) ? (row.kind as MemoryKind) : 'note';
  const createdBy = row.created_by === 'agent' || row.created_by === 'owner' ? row.created_by : 'daemon';
  return {
    id: row.id,
    text: row.text,
    kind,
    importance: Math.min(1, Math.max(0, row.importance)),
    pinned: row.pinned !== 0,
    status: row.status === 'retired' ? 'retired' : 'active',
    eventDate: row.event_date,
    sources: parseSources(row.sources),
    createdBy,
    supersededBy: row.superseded_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
