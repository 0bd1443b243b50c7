import { randomUUID } from 'node:crypto';
import {
  DEFAULT_AUTOMATION_BUDGET,
  automationBudgetSchema,
  jobTriggerSchema,
  type AutomationRun,
  type Hook,
  type Job,
  type RunStatus,
} from '../../protocol/automation-entities.js';
import { Cell0Error, type ErrorShape } from '../../protocol/errors.js';
import type { Database } from '../../storage/database.js';

/** A job as stored: the schedule's bookkeeping beside what the owner set. */
export type JobRecord = Omit<Job, 'nextRunAt'> & { checkedAt: number };

interface HookRow {
  id: string;
  name: string;
  prompt: string;
  conversation_id: string | null;
  auth: Hook['auth'];
  tools: Hook['tools'];
  budget: string;
  rate_per_minute: number;
  max_body_bytes: number;
  paused: number;
  created_at: number;
}

interface JobRow {
  id: string;
  name: string;
  prompt: string;
  trigger: string;
  conversation_id: string;
  missed: Job['missed'];
  tools: Job['tools'];
  budget: string;
  paused: number;
  created_at: number;
  checked_at: number;
}

interface RunRow {
  id: string;
  kind: AutomationRun['kind'];
  automation_id: string;
  name: string;
  trigger: AutomationRun['trigger'];
  delivery_id: string | null;
  conversation_id: string | null;
  message_id: string | null;
  status: RunStatus;
  error: string | null;
  queued_at: number;
  started_at: number | null;
  ended_at: number | null;
}

/** A hand-edited budget falls back to the default instead of breaking the list. */
function budgetFrom(json: string) {
  try {
    return automationBudgetSchema.parse(JSON.parse(json));
  } catch {
    return DEFAULT_AUTOMATION_BUDGET;
  }
}

function toHook(r: HookRow): Hook {
  return {
    id: r.id,
    name: r.name,
    prompt: r.prompt,
    conversationId: r.conversation_id,
    auth: r.auth,
    tools: r.tools,
    budget: budgetFrom(r.budget),
    ratePerMinute: r.rate_per_minute,
    maxBodyBytes: r.max_body_bytes,
    paused: r.paused === 1,
    createdAt: r.created_at,
  };
}

function toJob(r: JobRow): JobRecord {
  return {
    id: r.id,
    name: r.name,
    prompt: r.prompt,
    trigger: jobTriggerSchema.parse(JSON.parse(r.trigger)),
    conversationId: r.conversation_id,
    missed: r.missed,
    tools: r.tools,
    budget: budgetFrom(r.budget),
    paused: r.paused === 1,
    createdAt: r.created_at,
    checkedAt: r.checked_at,
  };
}

function toRun(r: RunRow): AutomationRun {
  return {
    id: r.id,
    kind: r.kind,
    automationId: r.automation_id,
    name: r.name,
    trigger: r.trigger,
    deliveryId: r.delivery_id,
    conversationId: r.conversation_id,
    messageId: r.message_id,
    status: r.status,
    error: r.error ? (JSON.parse(r.error) as ErrorShape) : null,
    queuedAt: r.queued_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
  };
}

/** Unfinished runs of a core that stopped: they did not run to the end, and say so. */
const UNFINISHED: RunStatus[] = ['queued', 'running', 'waiting'];

/** The automations' tables: only this folder reads or writes them. */
export class AutomationStore {
  constructor(private readonly db: Database) {}

  async hooks(): Promise<Hook[]> {
    return (await this.db.all<HookRow>('SELECT * FROM automation_hooks ORDER BY name')).map(toHook);
  }

  async hook(idOrName: string): Promise<Hook | null> {
    const row = await this.db.get<HookRow>('SELECT * FROM automation_hooks WHERE id = ? OR name = ?', [
      idOrName,
      idOrName,
    ]);
    return row ? toHook(row) : null;
  }

  async requireHook(idOrName: string): Promise<Hook> {
    const hook = await this.hook(idOrName);
    if (!hook) throw new Cell0Error('NOT_FOUND', `No hook "${idOrName}". \`cell0 hooks list\` shows them.`);
    return hook;
  }

  async addHook(hook: Omit<Hook, 'id' | 'createdAt'>, now: number): Promise<Hook> {
    if (await this.hook(hook.name))
      throw new Cell0Error('AUTOMATION_EXISTS', `A hook "${hook.name}" exists already.`);
    const id = randomUUID();
    await this.db.run(
      `INSERT INTO automation_hooks (id, name, prompt, conversation_id, auth, tools, budget, rate_per_minute,
         max_body_bytes, paused, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        hook.name,
        hook.prompt,
        hook.conversationId,
        hook.auth,
        hook.tools,
        JSON.stringify(hook.budget),
        hook.ratePerMinute,
        hook.maxBodyBytes,
        hook.paused ? 1 : 0,
        now,
      ],
    );
    return { ...hook, id, createdAt: now };
  }

  async saveHook(hook: Hook): Promise<void> {
    await this.db.run(
      `UPDATE automation_hooks SET prompt = ?, conversation_id = ?, auth = ?, tools = ?, budget = ?,
         rate_per_minute = ?, max_body_bytes = ?, paused = ? WHERE id = ?`,
      [
        hook.prompt,
        hook.conversationId,
        hook.auth,
        hook.tools,
        JSON.stringify(hook.budget),
        hook.ratePerMinute,
        hook.maxBodyBytes,
        hook.paused ? 1 : 0,
        hook.id,
      ],
    );
  }

  async removeHook(id: string): Promise<void> {
    await this.db.transaction(async () => {
      await this.db.run('DELETE FROM automation_hooks WHERE id = ?', [id]);
      await this.db.run('DELETE FROM hook_deliveries WHERE hook_id = ?', [id]);
    });
  }

  async jobs(): Promise<JobRecord[]> {
    return (await this.db.all<JobRow>('SELECT * FROM automation_jobs ORDER BY name')).map(toJob);
  }

  async job(idOrName: string): Promise<JobRecord | null> {
    const row = await this.db.get<JobRow>('SELECT * FROM automation_jobs WHERE id = ? OR name = ?', [
      idOrName,
      idOrName,
    ]);
    return row ? toJob(row) : null;
  }

  async requireJob(idOrName: string): Promise<JobRecord> {
    const job = await this.job(idOrName);
    if (!job) throw new Cell0Error('NOT_FOUND', `No job "${idOrName}". \`cell0 jobs list\` shows them.`);
    return job;
  }

  async addJob(job: Omit<JobRecord, 'id' | 'createdAt'>, now: number): Promise<JobRecord> {
    if (await this.job(job.name))
      throw new Cell0Error('AUTOMATION_EXISTS', `A job "${job.name}" exists already.`);
    const id = randomUUID();
    await this.db.run(
      `INSERT INTO automation_jobs (id, name, prompt, trigger, conversation_id, missed, tools, budget, paused,
         created_at, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        job.name,
        job.prompt,
        JSON.stringify(job.trigger),
        job.conversationId,
        job.missed,
        job.tools,
        JSON.stringify(job.budget),
        job.paused ? 1 : 0,
        now,
        job.checkedAt,
      ],
    );
    return { ...job, id, createdAt: now };
  }

  async saveJob(job: JobRecord): Promise<void> {
    await this.db.run(
      `UPDATE automation_jobs SET prompt = ?, trigger = ?, conversation_id = ?, missed = ?, tools = ?, budget = ?,
         paused = ?, checked_at = ? WHERE id = ?`,
      [
        job.prompt,
        JSON.stringify(job.trigger),
        job.conversationId,
        job.missed,
        job.tools,
        JSON.stringify(job.budget),
        job.paused ? 1 : 0,
        job.checkedAt,
        job.id,
      ],
    );
  }

  async setCheckedAt(jobId: string, at: number): Promise<void> {
    await this.db.run('UPDATE automation_jobs SET checked_at = ? WHERE id = ?', [at, jobId]);
  }

  async removeJob(id: string): Promise<void> {
    await this.db.run('DELETE FROM automation_jobs WHERE id = ?', [id]);
  }

  /**
   * Records a delivery id with its run, in one statement: false when the id was seen already
   * (a replay), so two copies arriving together cannot both start a run.
   */
  async claimDelivery(hookId: string, deliveryId: string, runId: string, now: number): Promise<boolean> {
    const { changes } = await this.db.run(
      'INSERT OR IGNORE INTO hook_deliveries (hook_id, delivery_id, run_id, received_at) VALUES (?, ?, ?, ?)',
      [hookId, deliveryId, runId, now],
    );
    return changes === 1;
  }

  /** The delivery's id and its run, in one transaction: false (and nothing stored) for a replay. */
  async claimAndAddRun(hookId: string, deliveryId: string | null, run: AutomationRun): Promise<boolean> {
    return this.db.transaction(async () => {
      if (deliveryId && !(await this.claimDelivery(hookId, deliveryId, run.id, run.queuedAt))) return false;
      await this.addRun(run);
      return true;
    });
  }

  async deliveryRun(hookId: string, deliveryId: string): Promise<string | null> {
    const row = await this.db.get<{ run_id: string }>(
      'SELECT run_id FROM hook_deliveries WHERE hook_id = ? AND delivery_id = ?',
      [hookId, deliveryId],
    );
    return row?.run_id ?? null;
  }

  async addRun(run: AutomationRun): Promise<void> {
    await this.db.run(
      `INSERT INTO automation_runs (id, kind, automation_id, name, trigger, delivery_id, conversation_id, message_id,
         status, error, queued_at, started_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        run.id,
        run.kind,
        run.automationId,
        run.name,
        run.trigger,
        run.deliveryId,
        run.conversationId,
        run.messageId,
        run.status,
        run.error ? JSON.stringify(run.error) : null,
        run.queuedAt,
        run.startedAt,
        run.endedAt,
      ],
    );
  }

  async saveRun(run: AutomationRun): Promise<void> {
    await this.db.run(
      `UPDATE automation_runs SET conversation_id = ?, message_id = ?, status = ?, error = ?, started_at = ?,
         ended_at = ? WHERE id = ?`,
      [
        run.conversationId,
        run.messageId,
        run.status,
        run.error ? JSON.stringify(run.error) : null,
        run.startedAt,
        run.endedAt,
        run.id,
      ],
    );
  }

  async run(id: string): Promise<AutomationRun | null> {
    const row = await this.db.get<RunRow>('SELECT * FROM automation_runs WHERE id = ?', [id]);
    return row ? toRun(row) : null;
  }

  async runs(automationId: string, limit = 50): Promise<AutomationRun[]> {
    const rows = await this.db.all<RunRow>(
      'SELECT * FROM automation_runs WHERE automation_id = ? ORDER BY queued_at DESC, id LIMIT ?',
      [automationId, limit],
    );
    return rows.map(toRun);
  }

  async lastRuns(): Promise<Map<string, AutomationRun>> {
    const rows = await this.db.all<RunRow>(
      `SELECT r.* FROM automation_runs r JOIN (SELECT automation_id, MAX(queued_at) AS at FROM automation_runs
         GROUP BY automation_id) l ON l.automation_id = r.automation_id AND l.at = r.queued_at`,
    );
    return new Map(rows.map((r) => [r.automation_id, toRun(r)]));
  }

  /** At start: runs a stopped core left unfinished are marked so, with the reason. */
  async markUnfinished(now: number): Promise<void> {
    await this.db.run(
      `UPDATE automation_runs SET status = 'error', error = ?, ended_at = ? WHERE status IN (${UNFINISHED.map(() => '?').join(', ')})`,
      [
        JSON.stringify({ code: 'AGENT_FAILED', message: 'Cell 0 stopped before this run finished.' }),
        now,
        ...UNFINISHED,
      ],
    );
  }
}
