import type { Memory } from '../../protocol/memory-entities.js';
import { toMemory, type MemoryRow as StoreMemoryRow } from '../memory-rows.js';

/** Statuses of messages worth retrieving: finished (or cut short) replies, never drafts or failures. */
export const RETRIEVABLE_STATUSES = ['complete', 'stopped', 'interrupted'] as const;
export const RETRIEVABLE_STATUS_SQL = RETRIEVABLE_STATUSES.map((s) => `'${s}'`).join(', ');

/** The memories table is read the same way here as by the memory store: one row mapping. */
export type MemoryRow = Omit<StoreMemoryRow, 'last_used_at'>;

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

export function memoryFromRow(row: MemoryRow): Memory {
  return toMemory({ ...row, last_used_at: null });
}
