import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  MEMORY_KINDS,
  memorySourceSchema,
  type Memory,
  type MemoryKind,
  type MemorySource,
} from '../protocol/memory-entities.js';
import type { Database, SqlValue } from '../storage/database.js';
import { lazySchema } from '../protocol/lazy-schema.js';

/**
 * The `memories` table, row by row. These run inside the caller's transaction (the daemon applies
 * a whole extraction at once), so they never open one themselves and never announce anything.
 */

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
  last_used_at: number | null;
}

export const MEMORY_COLUMNS = `m.rowid AS rowid, m.id, m.text, m.kind, m.importance, m.pinned, m.status,
  m.event_date, m.sources, m.created_by, m.superseded_by, m.created_at, m.updated_at, m.last_used_at`;

const sourcesSchema = lazySchema(() => z.array(memorySourceSchema));

function parseSources(json: string): MemorySource[] {
  try {
    return sourcesSchema.safeParse(JSON.parse(json)).data ?? [];
  } catch {
    return [];
  }
}

function asKind(kind: string): MemoryKind {
  return (MEMORY_KINDS as readonly string[]).includes(kind) ? (kind as MemoryKind) : 'note';
}

export function toMemory(row: MemoryRow): Memory {
  return {
    id: row.id,
    text: row.text,
    kind: asKind(row.kind),
    importance: Math.min(1, Math.max(0, row.importance)),
    pinned: row.pinned === 1,
    status: row.status === 'retired' ? 'retired' : 'active',
    eventDate: row.event_date,
    sources: parseSources(row.sources),
    createdBy: row.created_by === 'owner' || row.created_by === 'agent' ? row.created_by : 'daemon',
    supersededBy: row.superseded_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface NewMemory {
  text: string;
  kind?: MemoryKind;
  importance?: number;
  pinned?: boolean;
  eventDate?: string | null;
  sources?: MemorySource[];
  createdBy: Memory['createdBy'];
}

export type MemoryPatch = Partial<
  Pick<
    Memory,
    'text' | 'kind' | 'importance' | 'pinned' | 'eventDate' | 'status' | 'supersededBy' | 'sources'
  >
>;

export function clampImportance(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
}

/** Sources in order, each message once. */
export function mergeSources(a: MemorySource[], b: MemorySource[]): MemorySource[] {
  const seen = new Set<string>();
  return [...a, ...b].filter((s) => !seen.has(s.messageId) && seen.add(s.messageId));
}

export async function insertMemory(db: Database, input: NewMemory, now: number): Promise<Memory> {
  const memory: Memory = {
    id: randomUUID(),
    text: input.text.trim(),
    kind: input.kind ?? 'note',
    importance: clampImportance(input.importance ?? 0.5),
    pinned: input.pinned ?? false,
    status: 'active',
    eventDate: input.eventDate ?? null,
    sources: input.sources ?? [],
    createdBy: input.createdBy,
    supersededBy: null,
    createdAt: now,
    updatedAt: now,
  };
  await db.run(
    `INSERT INTO memories (id, text, kind, importance, pinned, status, event_date, sources, created_by,
       superseded_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, NULL, ?, ?)`,
    [
      memory.id,
      memory.text,
      memory.kind,
      memory.importance,
      memory.pinned ? 1 : 0,
      memory.eventDate,
      JSON.stringify(memory.sources),
      memory.createdBy,
      now,
      now,
    ],
  );
  return memory;
}

export async function getMemoryRow(db: Database, id: string): Promise<MemoryRow | undefined> {
  return db.get<MemoryRow>(`SELECT ${MEMORY_COLUMNS} FROM memories m WHERE m.id = ?`, [id]);
}

/** Applies the patch; a changed text drops the memory's vectors so the indexer embeds it anew. */
export async function patchMemory(
  db: Database,
  id: string,
  patch: MemoryPatch,
  now: number,
): Promise<Memory | null> {
  const row = await getMemoryRow(db, id);
  if (!row) return null;
  const current = toMemory(row);
  const next: Memory = {
    ...current,
    ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    updatedAt: now,
  };
  next.text = next.text.trim();
  next.importance = clampImportance(next.importance);
  const sets: [string, SqlValue][] = [
    ['text', next.text],
    ['kind', next.kind],
    ['importance', next.importance],
    ['pinned', next.pinned ? 1 : 0],
    ['status', next.status],
    ['event_date', next.eventDate],
    ['sources', JSON.stringify(next.sources)],
    ['superseded_by', next.supersededBy],
    ['updated_at', now],
  ];
  await db.run(`UPDATE memories SET ${sets.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`, [
    ...sets.map(([, v]) => v),
    id,
  ]);
  if (next.text !== current.text) await deleteVectors(db, [row.rowid]);
  return next;
}

export async function deleteVectors(db: Database, rowids: number[]): Promise<void> {
  if (rowids.length === 0) return;
  await db.run(
    `DELETE FROM vectors WHERE owner_kind = 'memory' AND owner_rowid IN (${rowids.map(() => '?').join(',')})`,
    rowids,
  );
}

/** Deletes the memories, their vectors and the record of which replies used them. */
export async function deleteMemories(db: Database, rows: Pick<MemoryRow, 'rowid' | 'id'>[]): Promise<void> {
  if (rows.length === 0) return;
  const marks = rows.map(() => '?').join(',');
  await deleteVectors(
    db,
    rows.map((r) => r.rowid),
  );
  await db.run(
    `DELETE FROM message_memories WHERE memory_id IN (${marks})`,
    rows.map((r) => r.id),
  );
  await db.run(
    `DELETE FROM memories WHERE id IN (${marks})`,
    rows.map((r) => r.id),
  );
  // A retired memory keeps its history, but not a pointer to nothing.
  await db.run(
    `UPDATE memories SET superseded_by = NULL WHERE superseded_by IN (${marks})`,
    rows.map((r) => r.id),
  );
}
