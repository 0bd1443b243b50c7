import { Cron } from 'croner';
import type { JobTrigger } from '../../protocol/automation-entities.js';
import { Cell0Error } from '../../protocol/errors.js';

/** Checks a trigger the owner typed: a cron expression croner reads, a real time zone, a future one-shot. */
export function checkTrigger(trigger: JobTrigger, nowMs: number): void {
  if (trigger.kind === 'cron') {
    if (trigger.tz) {
      try {
        new Intl.DateTimeFormat('en', { timeZone: trigger.tz });
      } catch {
        throw new Cell0Error(
          'SCHEDULE_INVALID',
          `“${trigger.tz}” is not a time zone (e.g. Europe/Berlin, UTC).`,
        );
      }
    }
    let next: Date | null;
    try {
      next = cronFor(trigger.expr, trigger.tz).nextRun(new Date(nowMs));
    } catch (err) {
      throw new Cell0Error(
        'SCHEDULE_INVALID',
        `“${trigger.expr}” is not a cron expression: ${err instanceof Error ? err.message.replace(/^CronPattern: /, '') : String(err)}`,
      );
    }
    if (!next) throw new Cell0Error('SCHEDULE_INVALID', `“${trigger.expr}” never fires.`);
  } else if (trigger.kind === 'once' && trigger.at <= nowMs) {
    throw new Cell0Error('SCHEDULE_INVALID', 'That time has passed: a one-shot job needs a time to come.');
  }
}

function cronFor(expr: string, tz: string | null): Cron {
  return new Cron(expr, { paused: true, ...(tz ? { timezone: tz } : {}) });
}

/**
 * The times a trigger fires after `afterMs` (exclusive), at most `count`. "Every N minutes"
 * counts from `anchorMs` (when the job was made), so its runs do not drift with restarts.
 */
export function nextRuns(trigger: JobTrigger, afterMs: number, count: number, anchorMs: number): number[] {
  if (trigger.kind === 'once') return trigger.at > afterMs && count > 0 ? [trigger.at] : [];
  if (trigger.kind === 'every') {
    const step = trigger.minutes * 60_000;
    const first = anchorMs + (Math.floor(Math.max(0, afterMs - anchorMs) / step) + 1) * step;
    return Array.from({ length: count }, (_, i) => first + i * step);
  }
  const cron = cronFor(trigger.expr, trigger.tz);
  return cron.nextRuns(count, new Date(afterMs)).map((d) => d.getTime());
}

/** The latest time the trigger fired in (fromMs, toMs], or null: what a sleep or a shutdown missed. */
export function lastDueIn(
  trigger: JobTrigger,
  fromMs: number,
  toMs: number,
  anchorMs: number,
): number | null {
  if (toMs <= fromMs) return null;
  if (trigger.kind === 'once') return trigger.at > fromMs && trigger.at <= toMs ? trigger.at : null;
  if (trigger.kind === 'every') {
    const step = trigger.minutes * 60_000;
    if (toMs < anchorMs + step) return null;
    const last = anchorMs + Math.floor((toMs - anchorMs) / step) * step;
    return last > fromMs ? last : null;
  }
  // previousRuns is exclusive of its reference: one ms past toMs makes toMs itself count.
  const [last] = cronFor(trigger.expr, trigger.tz).previousRuns(1, new Date(toMs + 1));
  return last && last.getTime() > fromMs ? last.getTime() : null;
}
