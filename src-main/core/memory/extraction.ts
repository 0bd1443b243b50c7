import type { LanguageModel } from 'ai';
import { z } from 'zod';
import type { Message } from '../protocol/entities.js';
import {
  MEMORY_KINDS,
  type Memory,
  type MemoryKind,
  type MemorySource,
} from '../protocol/memory-entities.js';
import type { Database } from '../storage/database.js';
import { localDay } from './daemon-state.js';
import {
  MEMORY_COLUMNS,
  insertMemory,
  mergeSources,
  patchMemory,
  toMemory,
  type MemoryRow,
} from './memory-rows.js';
import { tokensSpent } from './token-estimate.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What the model is asked for: changes to the memory, not a fresh list that would pile up duplicates. */
export const operationSchema = z.object({
  op: z.enum(['add', 'update', 'retire']),
  id: z.string().optional(),
  text: z.string(),
  kind: z.enum(MEMORY_KINDS),
  importance: z.number().min(0).max(1),
  eventDate: z.string().regex(ISO_DATE).nullable().optional(),
  sourceIndexes: z.array(z.number().int()),
});

export const extractionSchema = z.object({ operations: z.array(operationSchema) });

export type Operation = z.infer<typeof operationSchema>;

/** An operation that passed validation, its sources resolved to messages. */
export interface ValidOperation {
  op: Operation['op'];
  id: string | null;
  text: string;
  kind: MemoryKind;
  importance: number;
  eventDate: string | null;
  sources: MemorySource[];
}

export interface ExtractionInput {
  conversationTitle: string;
  /** The new messages, oldest first; the model cites them by their position here. */
  messages: Message[];
  /** Existing memories the new messages may touch: the only ids an update or retire may name. */
  related: Memory[];
}

export interface ExtractionResult {
  operations: ValidOperation[];
  dropped: number;
  tokens: number;
}

/** Long messages are cut for the prompt: a memory is a sentence, not a pasted log. */
const MAX_MESSAGE_CHARS = 3000;

const INSTRUCTIONS = `You maintain the long-term memory of a personal assistant. From the new messages of a
conversation, record what is worth remembering in later, unrelated conversations: facts about the
owner and the people, places and projects in their life, preferences, plans, decisions and dated
events. Skip small talk, passing questions, and anything only useful in this one conversation.

Answer with JSON only, of this shape:
{"operations": [{"op": "add" | "update" | "retire", "id": "<existing memory id, for update and retire>",
  "text": "<one self-contained sentence, naming people and things rather than 'he' or 'it'>",
  "kind": "fact" | "preference" | "plan" | "event" | "note",
  "importance": <0..1>, "eventDate": "yyyy-mm-dd" | null, "sourceIndexes": [<message numbers>]}]}

- "add" a new memory only when no existing memory covers it.
- "update" an existing memory (give its id) when the new messages refine or correct it.
- "retire" an existing memory (give its id) that is no longer true; "text" is what replaced it
  (it becomes a new memory), or "" when nothing did.
- eventDate is the date the memory is about. Resolve relative dates ("yesterday", "next Friday")
  against the date of the message that says them. null when the memory is timeless.
- sourceIndexes are the numbers of the messages the memory comes from.
- Nothing worth remembering: {"operations": []}.`;

function clip(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)} […]` : text;
}

export function extractionPrompt(input: ExtractionInput): string {
  const existing = input.related.length
    ? input.related
        .map((m) => `- id ${m.id} (${m.kind}${m.eventDate ? `, about ${m.eventDate}` : ''}): ${m.text}`)
        .join('\n')
    : '(none)';
  const messages = input.messages
    .map(
      (m, i) =>
        `[${i}] ${localDay(m.createdAt)} ${m.role === 'user' ? 'Owner' : 'Assistant'}: ${clip(m.content)}`,
    )
    .join('\n\n');
  return `Conversation: ${input.conversationTitle}\n\nExisting memories:\n${existing}\n\nNew messages:\n${messages}`;
}

function isRealDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/**
 * Keeps the operations that make sense and drops the rest, one by one: an unknown id (the model
 * must not touch memories it was not shown), a source that is not one of the messages, an empty
 * text where one is needed, an impossible date, a second change to the same memory.
 */
export function validateOperations(
  raw: unknown,
  input: Pick<ExtractionInput, 'messages' | 'related'>,
  conversationId: string,
): { operations: ValidOperation[]; dropped: number } {
  const list = (raw as { operations?: unknown } | null)?.operations;
  if (!Array.isArray(list)) return { operations: [], dropped: 0 };
  const known = new Set(input.related.map((m) => m.id));
  const touched = new Set<string>();
  const operations: ValidOperation[] = [];
  for (const item of list) {
    const parsed = operationSchema.safeParse(item);
    if (!parsed.success) continue;
    const op = parsed.data;
    const text = op.text.trim();
    if (!op.sourceIndexes.every((i) => i >= 0 && i < input.messages.length)) continue;
    const sources = [...new Set(op.sourceIndexes)].map((i) => ({
      conversationId,
      messageId: input.messages[i]!.id,
    }));
    const id = op.op === 'add' ? null : (op.id ?? null);
    if (op.op !== 'add' && (id === null || !known.has(id) || touched.has(id))) continue;
    if (op.op !== 'retire' && (text.length === 0 || sources.length === 0)) continue;
    if (op.eventDate && !isRealDate(op.eventDate)) continue;
    if (id) touched.add(id);
    operations.push({
      op: op.op,
      id,
      text: text.slice(0, 2000),
      kind: op.kind,
      importance: op.importance,
      eventDate: op.eventDate ?? null,
      sources,
    });
  }
  return { operations, dropped: list.length - operations.length };
}

/** JSON out of what a model wrote, tolerating a code fence or a sentence around it. */
export function parseJsonLoosely(text: string | undefined): unknown {
  if (!text) return null;
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return null;
  try {
    return JSON.parse(text.slice(start, end + 1));
  } catch {
    return null;
  }
}

/** Asks the model; a reply that fails the schema as a whole is still read operation by operation. */
export async function extractOperations(
  model: LanguageModel,
  input: ExtractionInput,
  conversationId: string,
  signal: AbortSignal,
): Promise<ExtractionResult> {
  const prompt = extractionPrompt(input);
  let raw: unknown;
  let tokens: number;
  const { NoObjectGeneratedError, Output, generateText } = await import('ai');
  try {
    const result = await generateText({
      model,
      system: INSTRUCTIONS,
      prompt,
      output: Output.object({ schema: extractionSchema, name: 'memory_operations' }),
      abortSignal: signal,
      // The daemon retries a failed conversation itself, later and with a growing wait.
      maxRetries: 0,
    });
    raw = result.output;
    tokens = tokensSpent(result.usage, INSTRUCTIONS + prompt, result.text);
  } catch (err) {
    if (!NoObjectGeneratedError.isInstance(err)) throw err;
    raw = parseJsonLoosely(err.text);
    tokens = tokensSpent(err.usage, INSTRUCTIONS + prompt, err.text ?? '');
  }
  return { ...validateOperations(raw, input, conversationId), tokens };
}

function sameText(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  return norm(a) === norm(b);
}

/**
 * Applies validated operations inside the caller's transaction and returns every memory that
 * changed. An "add" that repeats an active memory word for word only adds its sources to it, so a
 * step redone after a crash cannot leave a duplicate behind.
 */
export async function applyOperations(
  db: Database,
  operations: ValidOperation[],
  now: number,
): Promise<Memory[]> {
  const changed = new Map<string, Memory>();
  const active = (
    await db.all<MemoryRow>(`SELECT ${MEMORY_COLUMNS} FROM memories m WHERE m.status = 'active'`)
  ).map(toMemory);
  const add = async (op: ValidOperation): Promise<Memory> => {
    const twin = active.find((m) => sameText(m.text, op.text));
    if (twin) {
      const merged = await patchMemory(db, twin.id, { sources: mergeSources(twin.sources, op.sources) }, now);
      return merged ?? twin;
    }
    const memory = await insertMemory(
      db,
      {
        text: op.text,
        kind: op.kind,
        importance: op.importance,
        eventDate: op.eventDate,
        sources: op.sources,
        createdBy: 'daemon',
      },
      now,
    );
    active.push(memory);
    return memory;
  };
  for (const op of operations) {
    if (op.op === 'add') {
      const memory = await add(op);
      changed.set(memory.id, memory);
      continue;
    }
    const current = active.find((m) => m.id === op.id);
    // Retired or deleted since the model was asked: the operation no longer applies.
    if (!current) continue;
    if (op.op === 'update') {
      const memory = await patchMemory(
        db,
        current.id,
        {
          text: op.text,
          kind: op.kind,
          importance: op.importance,
          eventDate: op.eventDate,
          sources: mergeSources(current.sources, op.sources),
        },
        now,
      );
      if (memory) changed.set(memory.id, memory);
    } else {
      // Out of the candidates first, so a successor worded like its predecessor is not merged into it.
      active.splice(active.indexOf(current), 1);
      const successor = op.text ? await add(op) : null;
      if (successor) changed.set(successor.id, successor);
      const retired = await patchMemory(
        db,
        current.id,
        { status: 'retired', supersededBy: successor?.id ?? null },
        now,
      );
      if (retired) changed.set(retired.id, retired);
    }
  }
  return [...changed.values()];
}
