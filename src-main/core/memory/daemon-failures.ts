import { Cell0Error, ERROR_CODES, isCell0Error, type ErrorCode } from '../protocol/errors.js';
import type { MemoryFailure } from '../protocol/memory-entities.js';
import type { Database } from '../storage/database.js';

export type FailedTask = MemoryFailure['task'];

/** Attempts before a conversation is skipped, for an error that waiting will not fix… */
export const MAX_ATTEMPTS = 3;
/** …and for a rate limit or an overload, which usually pass. */
export const MAX_TRANSIENT_ATTEMPTS = 6;
const MAX_WAIT_MS = 3600_000;

/**
 * Errors about the provider or model as a whole (a refused key, a wrong URL, a server that is not
 * running): every conversation would fail alike, so none is blamed or skipped for them.
 */
const PROVIDER_WIDE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'PROVIDER_NOT_CONFIGURED',
  'PROVIDER_AUTH',
  'PROVIDER_NOT_FOUND',
  'PROVIDER_MODEL_NOT_FOUND',
  'PROVIDER_UNREACHABLE',
  'KEYCHAIN_UNAVAILABLE',
]);

export function blamesConversation(error: Cell0Error): boolean {
  return !PROVIDER_WIDE.has(error.code);
}

/** Shown instead of an error that is not ours to word (a storage error): its text goes to the log only. */
const INTERNAL_MESSAGE = 'Something went wrong inside Cell 0 while doing this; the details are in the log.';

/** What a failure shows people (`error`) and what the log says of it (`detail`: code and message). */
export function asFailure(err: unknown): { error: Cell0Error; detail: string } {
  if (isCell0Error(err)) return { error: err, detail: `${err.code}: ${err.message}` };
  const error = new Cell0Error('INTERNAL', INTERNAL_MESSAGE, { cause: err });
  return { error, detail: `INTERNAL: ${err instanceof Error ? err.message : String(err)}` };
}

/** The one log line for a conversation's failure: which, what, and what happens next. */
export function failureLine(
  task: { kind: FailedTask; conversationId: string },
  outcome: { attempts: number; maxAttempts: number; retryAt: number | null; skipped: boolean },
  detail: string,
  now: number,
): string {
  const what = `${task.kind === 'extract' ? 'reading' : 'summarising'} conversation ${task.conversationId}`;
  if (outcome.skipped) {
    return `memory daemon: ${what} failed ${outcome.attempts} times (${detail}); skipped until Retry in the Memory view`;
  }
  const seconds = Math.round(((outcome.retryAt ?? now) - now) / 1000);
  return `memory daemon: ${what} failed, attempt ${outcome.attempts} of ${outcome.maxAttempts} (${detail}); next try in ${seconds} s`;
}

/** What happens after the `attempts`-th failure: another try after a wait that doubles, or a skip. */
export function nextAttempt(
  attempts: number,
  transient: boolean,
  baseWaitMs: number,
  now: number,
): { retryAt: number | null; skipped: boolean; maxAttempts: number } {
  const maxAttempts = transient ? MAX_TRANSIENT_ATTEMPTS : MAX_ATTEMPTS;
  if (attempts >= maxAttempts) return { retryAt: null, skipped: true, maxAttempts };
  const wait = Math.min(MAX_WAIT_MS, Math.max(1, baseWaitMs) * 2 ** (attempts - 1));
  return { retryAt: now + wait, skipped: false, maxAttempts };
}

interface FailureRow {
  conversation_id: string;
  title: string;
  task: FailedTask;
  attempts: number;
  code: string;
  message: string;
  failed_at: number;
  retry_at: number | null;
  skipped: number;
}

function toFailure(row: FailureRow): MemoryFailure {
  const code = (ERROR_CODES as readonly string[]).includes(row.code) ? (row.code as ErrorCode) : 'INTERNAL';
  return {
    conversationId: row.conversation_id,
    title: row.title,
    task: row.task,
    error: { code, message: row.message },
    attempts: row.attempts,
    failedAt: row.failed_at,
    retryAt: row.skipped ? null : row.retry_at,
    skipped: row.skipped === 1,
  };
}

/**
 * `memory_daemon_failures`: the conversations the daemon could not read, when each is tried
 * again, and which were skipped. In SQLite so a restart neither forgets a skip nor retries at once.
 */
export class DaemonFailures {
  constructor(private readonly db: Database) {}

  async list(): Promise<MemoryFailure[]> {
    const rows = await this.db.all<FailureRow>(
      `SELECT f.conversation_id, c.title, f.task, f.attempts, f.code, f.message, f.failed_at, f.retry_at, f.skipped
       FROM memory_daemon_failures f JOIN conversations c ON c.id = f.conversation_id
       ORDER BY f.failed_at, f.conversation_id`,
    );
    return rows.map(toFailure);
  }

  /** Conversations to leave alone for now: skipped, or waiting for their next attempt. */
  async heldBack(now: number): Promise<Set<string>> {
    const rows = await this.db.all<{ conversation_id: string }>(
      'SELECT conversation_id FROM memory_daemon_failures WHERE skipped = 1 OR retry_at > ?',
      [now],
    );
    return new Set(rows.map((r) => r.conversation_id));
  }

  /** Counts one more failure and decides what follows it. */
  async record(
    conversationId: string,
    task: FailedTask,
    error: Cell0Error,
    options: { transient: boolean; baseWaitMs: number; now: number },
  ): Promise<{ attempts: number; maxAttempts: number; retryAt: number | null; skipped: boolean }> {
    return this.db.transaction(async () => {
      const previous = await this.db.get<{ attempts: number }>(
        'SELECT attempts FROM memory_daemon_failures WHERE conversation_id = ?',
        [conversationId],
      );
      const attempts = (previous?.attempts ?? 0) + 1;
      const next = nextAttempt(attempts, options.transient, options.baseWaitMs, options.now);
      // A conversation deleted meanwhile has nothing left to retry (and its row could not refer to it).
      await this.db.run(
        `INSERT INTO memory_daemon_failures (conversation_id, task, attempts, code, message, failed_at, retry_at, skipped)
         SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM conversations WHERE id = ?)
         ON CONFLICT (conversation_id) DO UPDATE SET task = excluded.task, attempts = excluded.attempts,
           code = excluded.code, message = excluded.message, failed_at = excluded.failed_at,
           retry_at = excluded.retry_at, skipped = excluded.skipped`,
        [
          conversationId,
          task,
          attempts,
          error.code,
          error.message,
          options.now,
          next.retryAt,
          next.skipped ? 1 : 0,
          conversationId,
        ],
      );
      return { attempts, ...next };
    });
  }

  /** Forgets a conversation's failures (it was read, or the owner asked for it again). */
  async clear(conversationId: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM memory_daemon_failures WHERE conversation_id = ?', [
      conversationId,
    ]);
    return changes > 0;
  }
}
