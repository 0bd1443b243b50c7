import type { Memory, MemoryFailure, MemoryKind } from '../../../src-main/core/protocol/index.js';

/** Keyed by every kind, so a kind added to the protocol fails type-checking here until it has a name. */
export const KIND_LABELS: Record<MemoryKind, string> = {
  fact: 'Fact',
  preference: 'Preference',
  plan: 'Plan',
  event: 'Event',
  note: 'Note',
  summary: 'Summary',
};

export const MEMORY_KIND_LIST = Object.keys(KIND_LABELS) as MemoryKind[];

export function isMemoryKind(value: string): value is MemoryKind {
  return Object.hasOwn(KIND_LABELS, value);
}

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** An ISO day (yyyy-mm-dd) read as a local date: `new Date('2024-05-01')` would be UTC midnight. */
export function formatDay(isoDay: string): string {
  const [y, m, d] = isoDay.split('-').map(Number);
  if (!y || !m || !d) return isoDay;
  return dayFormat.format(new Date(y, m - 1, d));
}

export function formatTimestamp(ms: number): string {
  return dayFormat.format(ms);
}

export function createdByLabel(memory: Memory): string {
  if (memory.createdBy === 'owner') return 'Added by you';
  if (memory.createdBy === 'agent') return 'Saved during a chat';
  return 'Learned from your chats';
}

export function forgotLabel(count: number): string {
  return `Forgot ${count} ${count === 1 ? 'memory' : 'memories'}`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** Where a conversation the daemon could not read stands: waiting for another try, or skipped. */
export function failureStateLabel(failure: Pick<MemoryFailure, 'attempts' | 'retryAt' | 'skipped'>): string {
  const times = failure.attempts === 1 ? 'once' : `${failure.attempts} times`;
  if (failure.skipped || failure.retryAt === null) return `Skipped after failing ${times}`;
  return `Failed ${times}; tries again at ${timeFormat.format(failure.retryAt)}`;
}

export function failureTaskLabel(task: MemoryFailure['task']): string {
  return task === 'extract' ? 'Reading it for things to remember' : 'Summarising its older part';
}
