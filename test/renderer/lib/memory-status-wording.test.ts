import { describe, expect, it } from 'vitest';
import type { DaemonStatus, MemoryFailure } from '../../../src-main/core/protocol/index.js';
import { budgetLine, describeDaemonStatus } from '../../../src-renderer/lib/memory-status-wording.js';

function status(patch: Partial<DaemonStatus> = {}): DaemonStatus {
  return {
    state: 'idle',
    task: null,
    progress: null,
    tokensToday: 12_345,
    budgetPerDay: 50_000,
    lastError: null,
    lastRunAt: null,
    failures: [],
    ...patch,
  };
}

describe('describeDaemonStatus', () => {
  it('says idle, with today’s spend in the tooltip', () => {
    const w = describeDaemonStatus(status());
    expect(w.label).toBe('Memory: idle');
    expect(w.tone).toBe('normal');
    expect(w.progress).toBeNull();
    expect(w.title).toContain('12,345 of 50,000 tokens used today');
  });

  it('shows the task with its count and progress while working', () => {
    const w = describeDaemonStatus(
      status({ state: 'working', task: 'Extracting from “Trip”', progress: { done: 3, total: 10 } }),
    );
    expect(w.label).toBe('Memory: Extracting from “Trip” 3/10');
    expect(w.tone).toBe('busy');
    expect(w.progress).toBeCloseTo(0.3);
  });

  it('shortens a long task for the bar and keeps it whole in the tooltip', () => {
    const task = 'Extracting memories from “A very long conversation title about planning the trip”';
    const w = describeDaemonStatus(status({ state: 'working', task, progress: null }));
    expect(w.label.endsWith('…')).toBe(true);
    expect(w.label.length).toBeLessThan(60);
    expect(w.title.startsWith(task)).toBe(true);
    expect(w.progress).toBeNull();
  });

  it('has no progress for an empty count', () => {
    const w = describeDaemonStatus(status({ state: 'working', task: null, progress: { done: 0, total: 0 } }));
    expect(w.label).toBe('Memory: working');
    expect(w.progress).toBeNull();
  });

  it('warns when the budget is used, and names the missing model', () => {
    expect(describeDaemonStatus(status({ state: 'budget-exhausted' }))).toMatchObject({
      label: 'Memory: daily budget used',
      tone: 'warning',
    });
    expect(describeDaemonStatus(status({ state: 'no-model' })).label).toBe('Memory: no model');
  });

  it('puts the last error in the tooltip', () => {
    const w = describeDaemonStatus(status({ state: 'error', lastError: 'The model refused' }));
    expect(w.tone).toBe('error');
    expect(w.title).toContain('Last error: The model refused');
  });
});

function failure(patch: Partial<MemoryFailure> = {}): MemoryFailure {
  return {
    conversationId: 'c1',
    title: 'Trip',
    task: 'extract',
    error: { code: 'PROVIDER_ERROR', message: 'The provider answered HTTP 400.' },
    attempts: 1,
    failedAt: 0,
    retryAt: 60_000,
    skipped: false,
    ...patch,
  };
}

describe('conversations the daemon could not read', () => {
  it('are counted in the tooltip; a skipped one turns an idle item to a warning', () => {
    const waiting = describeDaemonStatus(status({ failures: [failure()] }));
    expect(waiting.tone).toBe('normal');
    expect(waiting.title).toContain('1 conversation could not be read (trying again later); see Memory');
    const skipped = describeDaemonStatus(
      status({
        failures: [failure({ skipped: true, retryAt: null }), failure({ conversationId: 'c2' })],
      }),
    );
    expect(skipped.label).toBe('Memory: idle');
    expect(skipped.tone).toBe('warning');
    expect(skipped.title).toContain('2 conversations could not be read (1 skipped); see Memory');
  });
});

describe('budgetLine', () => {
  it('says when no budget is set', () => {
    expect(budgetLine({ tokensToday: 0, budgetPerDay: 0 })).toBe('0 tokens today; no daily budget set');
  });

  it('says "1 token", not "1 tokens"', () => {
    expect(budgetLine({ tokensToday: 1, budgetPerDay: 0 })).toBe('1 token today; no daily budget set');
    expect(budgetLine({ tokensToday: 1, budgetPerDay: 1 })).toBe('1 of 1 token used today');
  });
});
