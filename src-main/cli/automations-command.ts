import { parseArgs } from 'node:util';
import { defaultDataDir } from '../core/base/paths.js';
import type { AutomationRun, JobTrigger } from '../core/protocol/automation-entities.js';
import type { EventPayload } from '../core/protocol/events.js';
import { isCell0Error } from '../core/protocol/errors.js';
import { openCoreLine, type CoreLine } from './core-line.js';

const HOOKS_USAGE = `Usage: cell0 hooks <command>

  add NAME --prompt TEMPLATE [--conversation ID] [--secret-stdin]
                   A webhook at POST /hooks/NAME. Deliveries are verified by HMAC-SHA256
                   (GitHub's X-Hub-Signature-256, or the Standard Webhooks headers); the
                   prompt's {{ $.json.path }} fields are filled from the payload. Each delivery
                   runs in a fresh conversation, or in ID's. Without --secret-stdin a secret is
                   made and printed once; it is kept in the system keychain.
  list             The hooks, their URLs and how each last ran

Tool calls of a run ask the owner in the window (change a hook's tools in Automations).`;

const JOBS_USAGE = `Usage: cell0 jobs <command>

  add NAME --cron EXPR [--tz ZONE] --prompt TEXT
                   A scheduled job: EXPR is a cron expression ("0 9 * * 1-5"), "every N minutes",
                   or a time for one run ("2026-03-01T09:00"); ZONE a time zone (Europe/Berlin;
                   default this computer's). Prints the next five runs.
  list             The jobs, their next run and how each last ran
  run NAME         Run a job now; its reply streams here

Jobs fire while Cell 0 runs (the desktop app or \`cell0 serve\`); a run missed while it was
stopped or asleep is skipped, or made up once (set per job in Automations).`;

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

function usageError(command: string, usage: string, message: string): void {
  process.stderr.write(`cell0 ${command}: ${message}\n\n${usage}\n`);
  process.exitCode = 2;
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').trim();
}

function when(at: number | null): string {
  return at === null ? '-' : new Date(at).toLocaleString();
}

function lastRun(run: AutomationRun | null): string {
  if (!run) return 'never ran';
  const error = run.error ? `: ${run.error.message}` : '';
  return `${run.status} ${when(run.endedAt ?? run.startedAt ?? run.queuedAt)}${error}`;
}

function describeTrigger(trigger: JobTrigger): string {
  if (trigger.kind === 'cron') return `cron "${trigger.expr}"${trigger.tz ? ` ${trigger.tz}` : ''}`;
  if (trigger.kind === 'every') return `every ${trigger.minutes} minute${trigger.minutes === 1 ? '' : 's'}`;
  return `once at ${when(trigger.at)}`;
}

/** "every 5 minutes", a date and time for one run, or a cron expression (croner checks it). */
export function parseTrigger(expr: string, tz: string | undefined): JobTrigger | string {
  const every = /^every\s+(\d+)\s+min(ute)?s?$/i.exec(expr.trim());
  if (every) {
    if (tz) return '--tz applies to cron expressions only';
    return { kind: 'every', minutes: Number(every[1]) };
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(expr.trim())) {
    const at = Date.parse(expr.trim());
    if (Number.isNaN(at)) return `“${expr}” is not a date and time`;
    return { kind: 'once', at };
  }
  return {
    kind: 'cron',
    expr: expr.trim(),
    tz: tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? null,
  };
}

async function withLine(command: string, work: (line: CoreLine) => Promise<void>): Promise<void> {
  let line: CoreLine | null = null;
  try {
    line = await openCoreLine(defaultDataDir());
    await work(line);
  } catch (err) {
    process.stderr.write(`cell0 ${command}: ${isCell0Error(err) ? err.message : String(err)}\n`);
    process.exitCode = 1;
  } finally {
    await line?.close();
  }
}

export interface HooksCommandDeps {
  stdin?: NodeJS.ReadableStream;
}

/** `cell0 hooks …`. Sets process.exitCode rather than exiting. */
export async function hooksCommand(args: string[], deps: HooksCommandDeps = {}): Promise<void> {
  const [sub, ...rest] = args;
  if (!sub || sub === '-h' || sub === '--help' || sub === 'help') return out(HOOKS_USAGE);
  if (sub === 'list') {
    if (rest.length > 0) return usageError('hooks', HOOKS_USAGE, 'list takes no arguments');
    return withLine('hooks', async (line) => {
      const { hooks, hookBase } = await line.call('automations.list');
      if (hooks.length === 0)
        return out('No hooks yet. Add one with `cell0 hooks add NAME --prompt TEMPLATE`.');
      for (const h of hooks) {
        out(
          `${h.name}  ${h.paused ? 'paused' : 'active'}  ${h.auth === 'hmac' ? 'HMAC-SHA256' : 'bearer'}  ${lastRun(h.lastRun)}`,
        );
        out(`    URL: ${hookBase ? `${hookBase}/${h.name}` : `/hooks/${h.name} (when Cell 0 runs)`}`);
        out(
          `    Runs in: ${h.conversationId ?? 'a new conversation per delivery'}; tools: ${h.tools === 'ask' ? 'ask the owner' : 'off'}`,
        );
      }
    });
  }
  if (sub !== 'add') return usageError('hooks', HOOKS_USAGE, `unknown command "${sub}"`);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        prompt: { type: 'string' },
        conversation: { type: 'string' },
        'secret-stdin': { type: 'boolean' },
      },
      allowPositionals: true,
    });
  } catch (err) {
    return usageError('hooks', HOOKS_USAGE, err instanceof Error ? err.message : String(err));
  }
  const [name, ...extra] = parsed.positionals;
  if (!name || extra.length > 0) return usageError('hooks', HOOKS_USAGE, 'add takes one NAME');
  if (!parsed.values.prompt) return usageError('hooks', HOOKS_USAGE, '--prompt TEMPLATE is required');
  const secret = parsed.values['secret-stdin'] ? await readStdin(deps.stdin ?? process.stdin) : undefined;
  if (parsed.values['secret-stdin'] && !secret)
    return usageError('hooks', HOOKS_USAGE, 'no secret on standard input');
  await withLine('hooks', async (line) => {
    const added = await line.call('hooks.add', {
      name,
      prompt: parsed.values.prompt!,
      ...(parsed.values.conversation ? { conversationId: parsed.values.conversation } : {}),
      ...(secret ? { secret } : {}),
    });
    out(`Added hook ${added.hook.name}.`);
    out(
      `  URL:    ${added.url ?? `http://127.0.0.1:<port>/hooks/${added.hook.name} (Cell 0 is not running)`}`,
    );
    if (added.secret)
      out(`  Secret: ${added.secret}\n          (shown once; it is kept in the system keychain)`);
    else out('  Secret: the one given, kept in the system keychain');
  });
}

/** `cell0 jobs …`. Sets process.exitCode rather than exiting. */
export async function jobsCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (!sub || sub === '-h' || sub === '--help' || sub === 'help') return out(JOBS_USAGE);
  if (sub === 'list') {
    if (rest.length > 0) return usageError('jobs', JOBS_USAGE, 'list takes no arguments');
    return withLine('jobs', async (line) => {
      const { jobs } = await line.call('automations.list');
      if (jobs.length === 0)
        return out('No jobs yet. Add one with `cell0 jobs add NAME --cron EXPR --prompt TEXT`.');
      for (const j of jobs) {
        out(`${j.name}  ${j.paused ? 'paused' : 'active'}  ${describeTrigger(j.trigger)}`);
        out(`    Next run: ${when(j.nextRunAt)}; last: ${lastRun(j.lastRun)}`);
      }
    });
  }
  if (sub === 'run') {
    const [name, ...extra] = rest;
    if (!name || extra.length > 0) return usageError('jobs', JOBS_USAGE, 'run takes one NAME');
    return withLine('jobs', async (line) => {
      process.exitCode = await runJob(line, name);
    });
  }
  if (sub !== 'add') return usageError('jobs', JOBS_USAGE, `unknown command "${sub}"`);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { cron: { type: 'string' }, tz: { type: 'string' }, prompt: { type: 'string' } },
      allowPositionals: true,
    });
  } catch (err) {
    return usageError('jobs', JOBS_USAGE, err instanceof Error ? err.message : String(err));
  }
  const [name, ...extra] = parsed.positionals;
  if (!name || extra.length > 0) return usageError('jobs', JOBS_USAGE, 'add takes one NAME');
  if (!parsed.values.cron) return usageError('jobs', JOBS_USAGE, '--cron EXPR is required');
  if (!parsed.values.prompt) return usageError('jobs', JOBS_USAGE, '--prompt TEXT is required');
  const trigger = parseTrigger(parsed.values.cron, parsed.values.tz);
  if (typeof trigger === 'string') return usageError('jobs', JOBS_USAGE, trigger);
  await withLine('jobs', async (line) => {
    const { job, nextRuns } = await line.call('jobs.add', { name, prompt: parsed.values.prompt!, trigger });
    out(`Added job ${job.name} (${describeTrigger(job.trigger)}).`);
    out(nextRuns.length > 0 ? 'Next runs:' : 'It will not run again.');
    for (const at of nextRuns) out(`  ${new Date(at).toISOString()}  (${when(at)})`);
    if (!line.running)
      out('Cell 0 is not running: the job fires once the desktop app or `cell0 serve` runs.');
  });
}

/** Runs the job now and streams its reply; 0 complete, 1 failed, 130 stopped. */
async function runJob(line: CoreLine, name: string): Promise<number> {
  let run: AutomationRun | null = null;
  let messageId: string | null = null;
  const early: AutomationRun[] = [];
  const deltas: EventPayload<'message.delta'>[] = [];
  let resolveEnd!: (r: AutomationRun) => void;
  const ended = new Promise<AutomationRun>((resolve) => (resolveEnd = resolve));
  const follow = (r: AutomationRun) => {
    if (r.status === 'waiting')
      process.stderr.write('cell0 jobs: a tool call waits for permission in the window\n');
    if (r.messageId && !messageId) {
      messageId = r.messageId;
      for (const d of deltas.splice(0)) if (d.messageId === messageId) process.stdout.write(d.text);
    }
    if (['complete', 'error', 'stopped', 'skipped'].includes(r.status)) resolveEnd(r);
  };
  const unsubscribe = line.onEvent((frame) => {
    if (frame.event === 'message.delta') {
      const delta = frame.payload as EventPayload<'message.delta'>;
      if (messageId === null) deltas.push(delta);
      else if (delta.messageId === messageId) process.stdout.write(delta.text);
    } else if (frame.event === 'automation.run') {
      const r = (frame.payload as EventPayload<'automation.run'>).run;
      if (run === null) early.push(r);
      else if (r.id === run.id) follow(r);
    }
  });
  try {
    run = await line.call('jobs.run', { id: name });
    for (const r of early.splice(0)) if (r.id === run.id) follow(r);
    const last = await ended;
    process.stdout.write('\n');
    process.stderr.write(
      `cell0 jobs: run ${last.id} ${last.status} in conversation ${last.conversationId ?? '-'}\n`,
    );
    if (last.status === 'complete') return 0;
    if (last.status === 'stopped') return 130;
    process.stderr.write(`cell0 jobs: ${last.error?.message ?? 'the run failed'}\n`);
    return 1;
  } finally {
    unsubscribe();
  }
}
