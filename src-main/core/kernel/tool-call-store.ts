import type { Database } from '../storage/database.js';
import type { LimitKind, ToolCall, ToolCallStatus } from '../protocol/kernel-entities.js';
import type { ErrorShape } from '../protocol/errors.js';

interface ToolCallRow {
  id: string;
  conversation_id: string;
  message_id: string;
  tool: string;
  args: string;
  summary: string;
  status: ToolCallStatus;
  output: string;
  exit_code: number | null;
  limit_kind: LimitKind | null;
  error_code: string | null;
  error_message: string | null;
  sandboxed: number;
  /** Migration 10. */
  hosted: number;
  network: number;
  started_at: number;
  /** Migration 9; null for calls that never ran (and for calls stored before it). */
  running_since: number | null;
  ended_at: number | null;
}

function toToolCall(row: ToolCallRow): ToolCall {
  let args: unknown;
  try {
    args = JSON.parse(row.args);
  } catch {
    args = row.args;
  }
  return {
    id: row.id,
    conversationId: row.conversation_id,
    messageId: row.message_id,
    tool: row.tool,
    args,
    summary: row.summary,
    status: row.status,
    output: row.output,
    exitCode: row.exit_code,
    limit: row.limit_kind,
    error: row.error_code ? ({ code: row.error_code, message: row.error_message ?? '' } as ErrorShape) : null,
    sandboxed: row.sandboxed === 1,
    hosted: row.hosted === 1,
    network: row.network === 1,
    startedAt: row.started_at,
    runningSince: row.running_since,
    endedAt: row.ended_at,
  };
}

/** Tool calls as the conversation shows them, kept so the cards survive a reload. */
export class ToolCallStore {
  constructor(private readonly db: Database) {}

  /** False when a call with this id is already stored: that one is left exactly as it was. */
  async insert(call: ToolCall): Promise<boolean> {
    const { changes } = await this.db.transaction(() =>
      this.db.run(
        `INSERT INTO tool_calls (id, conversation_id, message_id, tool, args, summary, status, output, exit_code,
           limit_kind, error_code, error_message, sandboxed, hosted, network, started_at, running_since, ended_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO NOTHING`,
        [
          call.id,
          call.conversationId,
          call.messageId,
          call.tool,
          JSON.stringify(call.args ?? null),
          call.summary,
          call.status,
          call.output,
          call.exitCode,
          call.limit,
          call.error?.code ?? null,
          call.error?.message ?? null,
          call.sandboxed ? 1 : 0,
          call.hosted ? 1 : 0,
          call.network ? 1 : 0,
          call.startedAt,
          call.runningSince,
          call.endedAt,
        ],
      ),
    );
    return changes > 0;
  }

  async update(call: ToolCall): Promise<void> {
    await this.db.transaction(() =>
      this.db.run(
        `UPDATE tool_calls SET status = ?, output = ?, exit_code = ?, limit_kind = ?, error_code = ?, error_message = ?,
           sandboxed = ?, network = ?, running_since = ?, ended_at = ? WHERE id = ?`,
        [
          call.status,
          call.output,
          call.exitCode,
          call.limit,
          call.error?.code ?? null,
          call.error?.message ?? null,
          call.sandboxed ? 1 : 0,
          call.network ? 1 : 0,
          call.runningSince,
          call.endedAt,
          call.id,
        ],
      ),
    );
  }

  async list(conversationId: string): Promise<ToolCall[]> {
    const rows = await this.db.all<ToolCallRow>(
      'SELECT * FROM tool_calls WHERE conversation_id = ? ORDER BY started_at, rowid',
      [conversationId],
    );
    return rows.map(toToolCall);
  }

  /** Calls that were running or waiting when the process died did not finish: say so. */
  async markAbandoned(now: number): Promise<number> {
    const { changes } = await this.db.transaction(() =>
      this.db.run(
        `UPDATE tool_calls SET status = 'cancelled', ended_at = ?,
           error_code = 'TOOL_FAILED', error_message = 'Cell 0 stopped while this tool was running.'
         WHERE status IN ('running', 'waiting-permission')`,
        [now],
      ),
    );
    return changes;
  }
}
