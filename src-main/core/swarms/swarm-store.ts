import type { Database } from '../storage/database.js';
import { Cell0Error } from '../protocol/errors.js';
import {
  swarmAgentSchema,
  swarmEventSchema,
  swarmRunSchema,
  type SwarmAgent,
  type SwarmEvent,
  type SwarmRun,
} from '../protocol/swarm-entities.js';

const END_STATES = new Set(['done', 'failed', 'stopped']);

/**
 * Runs, agents and events in SQLite. Runs and agents are saved whole (they change often but are
 * small); events are append-only and numbered per run, which is what replay reads.
 */
export class SwarmStore {
  constructor(private readonly db: Database) {}

  async saveRun(run: SwarmRun): Promise<void> {
    await this.db.transaction(() =>
      this.db.run(
        `INSERT INTO swarm_runs (id, conversation_id, message_id, status, data, created_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, data = excluded.data`,
        [run.id, run.conversationId, run.messageId, run.status, JSON.stringify(run), run.createdAt],
      ),
    );
  }

  /**
   * Saves the run (when given) and agents and appends events in one transaction: the run's
   * periodic flush. Many rows per statement, since every statement is a trip to SQLite's thread
   * and a busy run changes hundreds of agents and events a second.
   */
  async write(agents: SwarmAgent[], events: SwarmEvent[], run: SwarmRun | null = null): Promise<void> {
    if (agents.length === 0 && events.length === 0 && !run) return;
    await this.db.transaction(async () => {
      if (run) {
        await this.db.run('UPDATE swarm_runs SET status = ?, data = ? WHERE id = ?', [
          run.status,
          JSON.stringify(run),
          run.id,
        ]);
      }
      for (let i = 0; i < agents.length; i += 200) {
        const batch = agents.slice(i, i + 200);
        await this.db.run(
          `INSERT INTO swarm_agents (id, run_id, data) VALUES ${batch.map(() => '(?, ?, ?)').join(', ')}
           ON CONFLICT(id) DO UPDATE SET data = excluded.data`,
          batch.flatMap((a) => [a.id, a.runId, JSON.stringify(a)]),
        );
      }
      for (let i = 0; i < events.length; i += 200) {
        const batch = events.slice(i, i + 200);
        await this.db.run(
          `INSERT OR IGNORE INTO swarm_events (run_id, seq, data) VALUES ${batch.map(() => '(?, ?, ?)').join(', ')}`,
          batch.flatMap((e) => [e.runId, e.seq, JSON.stringify(e)]),
        );
      }
    });
  }

  async run(id: string): Promise<SwarmRun> {
    const row = await this.db.get<{ data: string }>('SELECT data FROM swarm_runs WHERE id = ?', [id]);
    if (!row) throw new Cell0Error('NOT_FOUND', 'There is no such swarm run.');
    return swarmRunSchema.parse(JSON.parse(row.data));
  }

  async runByMessage(messageId: string): Promise<SwarmRun | null> {
    const row = await this.db.get<{ data: string }>('SELECT data FROM swarm_runs WHERE message_id = ?', [
      messageId,
    ]);
    return row ? swarmRunSchema.parse(JSON.parse(row.data)) : null;
  }

  async runs(conversationId: string | undefined, limit: number): Promise<SwarmRun[]> {
    const rows = conversationId
      ? await this.db.all<{ data: string }>(
          'SELECT data FROM swarm_runs WHERE conversation_id = ? ORDER BY created_at DESC LIMIT ?',
          [conversationId, limit],
        )
      : await this.db.all<{ data: string }>('SELECT data FROM swarm_runs ORDER BY created_at DESC LIMIT ?', [
          limit,
        ]);
    return rows.map((r) => swarmRunSchema.parse(JSON.parse(r.data)));
  }

  async agents(runId: string): Promise<SwarmAgent[]> {
    const rows = await this.db.all<{ data: string }>(
      'SELECT data FROM swarm_agents WHERE run_id = ? ORDER BY rowid',
      [runId],
    );
    return rows.map((r) => swarmAgentSchema.parse(JSON.parse(r.data)));
  }

  async events(runId: string, afterSeq: number, limit: number): Promise<SwarmEvent[]> {
    const rows = await this.db.all<{ data: string }>(
      'SELECT data FROM swarm_events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      [runId, afterSeq, limit],
    );
    return rows.map((r) => swarmEventSchema.parse(JSON.parse(r.data)));
  }

  /** Runs that were going when the app stopped: they cannot resume their model calls, so they end as failed. */
  async unfinished(): Promise<SwarmRun[]> {
    const rows = await this.db.all<{ data: string; status: string }>('SELECT data, status FROM swarm_runs');
    return rows.filter((r) => !END_STATES.has(r.status)).map((r) => swarmRunSchema.parse(JSON.parse(r.data)));
  }

  async lastSeq(runId: string): Promise<number> {
    const row = await this.db.get<{ seq: number | null }>(
      'SELECT MAX(seq) AS seq FROM swarm_events WHERE run_id = ?',
      [runId],
    );
    return row?.seq ?? 0;
  }

  /** Runs that were going when the app stopped end as failed, with why; their events stay for replay. */
  async endInterrupted(now: number): Promise<void> {
    for (const run of await this.unfinished()) {
      const seq = await this.lastSeq(run.id);
      const error = {
        code: 'AGENT_FAILED' as const,
        message: 'Interrupted: Cell 0 stopped while this swarm ran.',
      };
      const ended: SwarmRun = { ...run, status: 'failed', error, endedAt: now };
      const agents = (await this.agents(run.id)).map((a) =>
        ['done', 'failed', 'stopped'].includes(a.status)
          ? a
          : { ...a, status: 'stopped' as const, endedAt: now },
      );
      const event: SwarmEvent = {
        runId: run.id,
        seq: seq + 1,
        at: now,
        type: 'run.status',
        status: 'failed',
        error,
      };
      await this.saveRun(ended);
      await this.write(agents, [event]);
    }
  }
}
