import type { DaemonStatus, EmbeddingStatus } from '../../src-main/core/protocol/index.js';
import { plural } from './plural.js';

export type StatusTone = 'normal' | 'busy' | 'warning' | 'error' | 'muted';

export interface DaemonStatusWording {
  /** What the status bar says, "Memory: …". */
  label: string;
  tone: StatusTone;
  /** 0..1 when the daemon reported a countable task. */
  progress: number | null;
  /** The tooltip: spend against the budget, and the last error when there is one. */
  title: string;
}

const TASK_MAX = 42;
const numberFormat = new Intl.NumberFormat('en-US');

/** The status bar is one line: a long conversation title would push the trust facts out of view. */
function shorten(text: string): string {
  return text.length <= TASK_MAX ? text : `${text.slice(0, TASK_MAX - 1).trimEnd()}…`;
}

export function formatTokens(n: number): string {
  return numberFormat.format(n);
}

export function budgetLine(status: Pick<DaemonStatus, 'tokensToday' | 'budgetPerDay'>): string {
  if (status.budgetPerDay === 0)
    return `${plural(status.tokensToday, 'token', undefined, formatTokens(status.tokensToday))} today; no daily budget set`;
  return `${formatTokens(status.tokensToday)} of ${plural(status.budgetPerDay, 'token', undefined, formatTokens(status.budgetPerDay))} used today`;
}

/** The tooltip's word on conversations the daemon could not read, or null when there are none. */
export function failuresLine(failures: DaemonStatus['failures']): string | null {
  if (failures.length === 0) return null;
  const skipped = failures.filter((f) => f.skipped).length;
  const count = failures.length === 1 ? '1 conversation' : `${failures.length} conversations`;
  const detail =
    skipped === 0 ? 'trying again later' : skipped === failures.length ? 'skipped' : `${skipped} skipped`;
  return `${count} could not be read (${detail}); see Memory`;
}

export function describeDaemonStatus(status: DaemonStatus): DaemonStatusWording {
  const lines = [budgetLine(status)];
  if (status.lastError) lines.push(`Last error: ${status.lastError}`);
  const failures = failuresLine(status.failures);
  if (failures) lines.push(failures);
  lines.push('Click to open Memory');
  const title = lines.join('\n');

  switch (status.state) {
    case 'idle': {
      // A skipped conversation waits for the owner: the item says so by its colour, not its width.
      const waiting = status.failures.some((f) => f.skipped);
      return { label: 'Memory: idle', tone: waiting ? 'warning' : 'normal', progress: null, title };
    }
    case 'working': {
      const p = status.progress;
      const counted = p !== null && p.total > 0;
      const task = shorten(status.task ?? 'working');
      return {
        label: counted ? `Memory: ${task} ${p.done}/${p.total}` : `Memory: ${task}`,
        tone: 'busy',
        progress: counted ? Math.min(1, Math.max(0, p.done / p.total)) : null,
        title: status.task && status.task !== task ? `${status.task}\n${title}` : title,
      };
    }
    case 'budget-exhausted':
      return { label: 'Memory: daily budget used', tone: 'warning', progress: null, title };
    case 'no-model':
      return { label: 'Memory: no model', tone: 'muted', progress: null, title };
    case 'error':
      return { label: 'Memory: error', tone: 'error', progress: null, title };
  }
}

/**
 * A re-index for a new embedder is the memory work the owner asked for: while it runs (or is
 * stuck) it takes the status bar item, unless the daemon is busy with a countable task of its own.
 */
export function describeMemoryStatus(
  daemon: DaemonStatus,
  embedding: EmbeddingStatus | null,
): DaemonStatusWording {
  const base = describeDaemonStatus(daemon);
  if (!embedding || (embedding.state !== 'reindexing' && embedding.state !== 'failed')) return base;
  if (daemon.state === 'working' && embedding.state === 'reindexing') return base;
  const p = embedding.progress;
  const counted = p !== null && p.total > 0;
  const count = counted ? ` ${p.done}/${p.total}` : '';
  if (embedding.state === 'failed') {
    return {
      label: `Memory: re-index failed${count}`,
      tone: 'error',
      progress: null,
      title: `${embedding.error?.message ?? 'Re-indexing failed.'}\nSearches keep using ${embedding.activeLabel}.\n${base.title}`,
    };
  }
  return {
    label: `Memory: re-indexing${count}`,
    tone: 'busy',
    progress: counted ? Math.min(1, p.done / p.total) : null,
    title: `Embedding memories for the new embedder; searches use ${embedding.activeLabel} meanwhile.\n${base.title}`,
  };
}
