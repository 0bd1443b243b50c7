import type { Clock, ClockTimer } from '../../src-main/core/base/clock.js';

/**
 * A clock moved by hand: timers fire when `advance` passes their time, in order. A jump past
 * several times at once is a machine that slept: each timer fires once, late.
 */
export class ManualClock implements Clock {
  private timers: { at: number; fn: () => void; seq: number }[] = [];
  private seq = 0;

  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  after(delayMs: number, fn: () => void): ClockTimer {
    const timer = { at: this.current + Math.max(0, delayMs), fn, seq: ++this.seq };
    this.timers.push(timer);
    return { cancel: () => (this.timers = this.timers.filter((t) => t !== timer)) };
  }

  /** Timers waiting (a scheduler with one job armed has one). */
  get pending(): number {
    return this.timers.length;
  }

  /** When the earliest timer is due, or null. */
  nextAt(): number | null {
    return this.timers.reduce<number | null>((min, t) => (min === null || t.at < min ? t.at : min), null);
  }

  /** Moves time on by ms, firing every timer due by then (each at most once, in time order). */
  advance(ms: number): void {
    this.current += ms;
    const due = this.timers.filter((t) => t.at <= this.current).sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.timers = this.timers.filter((t) => t.at > this.current);
    for (const t of due) t.fn();
  }
}
