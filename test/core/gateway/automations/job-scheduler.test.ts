import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AutomationRun } from '../../../../src-main/core/protocol/automation-entities.js';
import type { EventFrame } from '../../../../src-main/core/protocol/frames.js';
import type { EventPayload } from '../../../../src-main/core/protocol/events.js';
import { FakeOpenAI } from '../../../fixtures/fake-openai.js';
import { startTestCore, type TestCore } from '../../../helpers/core.js';
import { ManualClock } from '../../../helpers/manual-clock.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-01-10T00:00:00Z');

let fake: FakeOpenAI;
let t: TestCore;
let clock: ManualClock;

beforeEach(async () => {
  fake = new FakeOpenAI();
  await fake.start();
  clock = new ManualClock(T0);
  t = await startTestCore({ flushIntervalMs: 20, automations: { clock } });
  await t.call('providers.save', {
    kind: 'openai-compatible',
    name: 'Fake',
    baseUrl: fake.baseUrl,
    defaultModel: 'fake-small',
  });
});

afterEach(async () => {
  await t.close();
  await fake.stop();
});

function runOf(f: EventFrame): AutomationRun | null {
  return f.event === 'automation.run' ? (f.payload as EventPayload<'automation.run'>).run : null;
}

function waitRun(predicate: (run: AutomationRun) => boolean): Promise<AutomationRun> {
  return t
    .waitFor((f) => {
      const run = runOf(f);
      return run !== null && predicate(run);
    })
    .then((f) => runOf(f)!);
}

const ended = (run: AutomationRun) => ['complete', 'error', 'stopped', 'skipped'].includes(run.status);

function chatRequests(): number {
  return fake.requests.filter((r) => r.path.endsWith('/chat/completions')).length;
}

async function storedRuns(jobId: string): Promise<AutomationRun[]> {
  return (await t.call('automations.runs', { automationId: jobId })).runs;
}

describe('scheduled jobs', () => {
  it('shows the next five runs of a cron job in its time zone', async () => {
    const { job, nextRuns } = await t.call('jobs.add', {
      name: 'morning',
      prompt: 'Good morning',
      trigger: { kind: 'cron', expr: '0 9 * * *', tz: 'America/New_York' },
    });
    // 09:00 in New York in January is 14:00 UTC.
    expect(nextRuns.map((at) => new Date(at).toISOString())).toEqual([
      '2026-01-10T14:00:00.000Z',
      '2026-01-11T14:00:00.000Z',
      '2026-01-12T14:00:00.000Z',
      '2026-01-13T14:00:00.000Z',
      '2026-01-14T14:00:00.000Z',
    ]);
    expect(job.nextRunAt).toBe(nextRuns[0]);
  });

  it('refuses a cron expression or a time zone that does not parse, with SCHEDULE_INVALID', async () => {
    await expect(
      t.call('jobs.add', {
        name: 'bad',
        prompt: 'x',
        trigger: { kind: 'cron', expr: 'every day', tz: null },
      }),
    ).rejects.toMatchObject({ code: 'SCHEDULE_INVALID' });
    await expect(
      t.call('jobs.add', {
        name: 'bad',
        prompt: 'x',
        trigger: { kind: 'cron', expr: '* * * * *', tz: 'Mars/Olympus' },
      }),
    ).rejects.toMatchObject({ code: 'SCHEDULE_INVALID' });
    expect((await t.call('automations.list')).jobs).toEqual([]);
  });

  it('fires a job when the injected clock reaches its time, in its conversation', async () => {
    fake.script({ tokens: ['Report', ' done.'] });
    const { job } = await t.call('jobs.add', {
      name: 'report',
      prompt: 'Write the report',
      trigger: { kind: 'every', minutes: 5 },
    });
    clock.advance(4 * MINUTE);
    expect(await storedRuns(job.id)).toEqual([]);
    clock.advance(1 * MINUTE);
    const run = await waitRun((r) => r.automationId === job.id && ended(r));
    expect(run).toMatchObject({
      status: 'complete',
      trigger: 'schedule',
      conversationId: job.conversationId,
    });
    const { messages } = await t.call('messages.page', {
      conversationId: job.conversationId,
      offset: 0,
      limit: 10,
    });
    expect(messages.map((m) => m.content)).toEqual(['Write the report', 'Report done.']);
    const listed = (await t.call('automations.list')).jobs[0]!;
    expect(listed.nextRunAt).toBe(T0 + 10 * MINUTE);
    expect(listed.lastRun?.id).toBe(run.id);
  });

  it('makes up a sleep with one run under run-once, and none under skip', async () => {
    const { job: once } = await t.call('jobs.add', {
      name: 'once',
      prompt: 'Catch up',
      trigger: { kind: 'every', minutes: 5 },
      missed: 'run-once',
    });
    const { job: skip } = await t.call('jobs.add', {
      name: 'skip',
      prompt: 'Do not catch up',
      trigger: { kind: 'every', minutes: 5 },
      missed: 'skip',
    });
    // The machine sleeps for an hour and two minutes: twelve times came and went, the timers fire once, late.
    clock.advance(62 * MINUTE);
    const made = await waitRun((r) => r.automationId === once.id && ended(r));
    const skipped = await waitRun((r) => r.automationId === skip.id && ended(r));
    expect(made).toMatchObject({ status: 'complete', trigger: 'missed' });
    expect(skipped).toMatchObject({ status: 'skipped', trigger: 'missed' });
    expect(await storedRuns(once.id)).toHaveLength(1);
    expect(await storedRuns(skip.id)).toHaveLength(1);
    expect(chatRequests()).toBe(1);
    // Both are back on their schedule after waking.
    const { jobs } = await t.call('automations.list');
    expect(jobs.map((j) => j.nextRunAt)).toEqual([T0 + 65 * MINUTE, T0 + 65 * MINUTE]);
  });

  it('makes up the runs missed while Cell 0 was stopped, by the job’s policy', async () => {
    const { job } = await t.call('jobs.add', {
      name: 'nightly',
      prompt: 'Nightly summary',
      trigger: { kind: 'cron', expr: '0 3 * * *', tz: 'UTC' },
      missed: 'run-once',
    });
    await t.core.stop();
    clock.advance(2 * 24 * 60 * MINUTE);
    await t.restart();
    const run = await waitRun((r) => r.automationId === job.id && ended(r));
    expect(run).toMatchObject({ status: 'complete', trigger: 'missed' });
    expect(await storedRuns(job.id)).toHaveLength(1);
  });

  it('does not overlap: a time that comes while the last run waits for permission is skipped', async () => {
    // The run asks to use a tool: it waits for the owner (tools default to ask) and is still going.
    fake.script(
      { toolCalls: [{ name: 'shell', input: { command: 'date', reason: 'Tell the time' } }] },
      { tokens: ['Done.'] },
    );
    const { job } = await t.call('jobs.add', {
      name: 'minutely',
      prompt: 'Tick',
      trigger: { kind: 'every', minutes: 1 },
    });
    clock.advance(MINUTE);
    const waiting = await waitRun((r) => r.automationId === job.id && r.status === 'waiting');
    expect(waiting.trigger).toBe('schedule');
    clock.advance(MINUTE);
    const skipped = await waitRun((r) => r.automationId === job.id && r.status === 'skipped');
    expect(skipped.error?.message).toContain('previous run');
    await expect(t.call('jobs.run', { id: 'minutely' })).rejects.toMatchObject({ code: 'BUSY' });
    const [request] = (await t.call('permissions.pending')).requests;
    await t.call('permissions.respond', { requestId: request!.id, decision: 'deny' });
    await waitRun((r) => r.id === waiting.id && r.status === 'complete');
    const manual = await t.call('jobs.run', { id: 'minutely' });
    expect(manual.trigger).toBe('manual');
    await waitRun((r) => r.id === manual.id && ended(r));
  });

  it('pauses and resumes without making up the paused time', async () => {
    const { job } = await t.call('jobs.add', {
      name: 'p',
      prompt: 'x',
      trigger: { kind: 'every', minutes: 5 },
      missed: 'run-once',
    });
    const paused = await t.call('jobs.update', { id: job.id, paused: true });
    expect(paused.nextRunAt).toBeNull();
    clock.advance(30 * MINUTE);
    const resumed = await t.call('jobs.update', { id: job.id, paused: false });
    expect(resumed.nextRunAt).toBe(T0 + 35 * MINUTE);
    expect(await storedRuns(job.id)).toEqual([]);
  });

  it('fires a one-shot job once and then has no next run', async () => {
    const { job, nextRuns } = await t.call('jobs.add', {
      name: 'reminder',
      prompt: 'Remind me',
      trigger: { kind: 'once', at: T0 + 90 * MINUTE },
    });
    expect(nextRuns).toEqual([T0 + 90 * MINUTE]);
    clock.advance(90 * MINUTE);
    await waitRun((r) => r.automationId === job.id && ended(r));
    expect((await t.call('automations.list')).jobs[0]!.nextRunAt).toBeNull();
  });
});
