import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import { Cell0Error, isCell0Error } from '../protocol/errors.js';
import type { SandboxStatus, ToolCall, ToolName } from '../protocol/kernel-entities.js';
import type { Database } from '../storage/database.js';
import type { AuditLog } from './audit/audit-log.js';
import type { PermissionEngine } from './permissions/permission-engine.js';
import type { Sandbox } from './sandbox/sandbox.js';
import { ToolCallStore } from './tool-call-store.js';
import type { PauseGate } from '../base/pause-gate.js';
import { applyEdit, runSpecFor, summarize } from './tools/tool-specs.js';
import type { RunResult, RunSpec, ToolCallInput } from './types.js';

export interface KernelDeps {
  sandbox: Sandbox;
  permissions: PermissionEngine;
  audit: AuditLog;
  db: Database;
  bus: EventBus;
  dataDir: string;
  logger: Logger;
  /** Where conversation workspaces live; see defaultWorkspaceRoot. */
  workspaceRoot?: string;
  /** "Pause all agents": tools wait here before they run. */
  gate?: PauseGate;
}

/**
 * Workspaces live in the data directory, except when the app runs as root: the sandbox then runs
 * as an unprivileged user who cannot pass through root's private home, so they go under
 * /var/lib/cell0 (one folder per data directory) instead of loosening the data directory.
 */
export function defaultWorkspaceRoot(dataDir: string, uid = process.getuid?.()): string {
  if (uid !== 0) return join(dataDir, 'workspaces');
  return join('/var/lib/cell0/workspaces', createHash('sha256').update(dataDir).digest('hex').slice(0, 16));
}

export type KernelCall = Omit<ToolCallInput, 'workspace'>;

const LIMIT_WORDS: Record<NonNullable<RunResult['limit']>, string> = {
  cpu: 'its CPU time limit',
  memory: 'its memory limit',
  processes: 'its process limit',
  'file-size': 'its file size limit',
  output: 'its output limit',
  'wall-clock': 'its time limit',
};

/**
 * The laws of physics for tools: every call is assessed by the permission engine, asked of the
 * owner when no rule covers it, run confined by the sandbox, and recorded in the signed audit log
 * before and after. Nothing here runs a tool in the app's own process.
 */
export class Kernel {
  private readonly store: ToolCallStore;
  private readonly running = new Map<string, AbortController>();
  readonly workspaceRoot: string;

  constructor(private readonly deps: KernelDeps) {
    this.store = new ToolCallStore(deps.db);
    this.workspaceRoot = deps.workspaceRoot ?? defaultWorkspaceRoot(deps.dataDir);
  }

  async start(): Promise<void> {
    await mkdir(this.workspaceRoot, { recursive: true, mode: 0o755 });
    await this.store.markAbandoned(Date.now());
    await this.deps.sandbox.start();
  }

  async stop(): Promise<void> {
    this.stopAll();
    await this.deps.sandbox.stop();
  }

  /** Each conversation has its own folder: the only place its tools can write. */
  async workspaceFor(conversationId: string): Promise<string> {
    const dir = join(this.workspaceRoot, conversationId);
    await this.deps.sandbox.prepareWorkspace(dir);
    return dir;
  }

  async status(): Promise<{ sandbox: SandboxStatus; runningTools: number }> {
    return { sandbox: await this.deps.sandbox.status(), runningTools: this.running.size };
  }

  runningCount(): number {
    return this.running.size;
  }

  list(conversationId: string): Promise<ToolCall[]> {
    return this.store.list(conversationId);
  }

  /** Kills every running tool and withdraws every pending permission card. */
  stopAll(): number {
    const count = this.running.size;
    for (const controller of this.running.values()) controller.abort();
    this.deps.permissions.cancelAll();
    this.deps.sandbox.killAll();
    return count;
  }

  /** Runs one tool call under the law and returns what the model is told. */
  async execute(input: KernelCall, signal: AbortSignal): Promise<{ toolCall: ToolCall; forModel: string }> {
    const { permissions, audit, sandbox, bus } = this.deps;
    const workspace = await this.workspaceFor(input.conversationId);
    const call: ToolCallInput = { ...input, workspace };
    const sandboxStatus = await sandbox.status();
    const assessment = permissions.assess(call, sandboxStatus.available);
    const toolCall: ToolCall = {
      id: input.toolCallId,
      conversationId: input.conversationId,
      messageId: input.messageId,
      tool: input.tool,
      args: input.args,
      summary: summarize(input.tool, input.args),
      status: assessment.decision === 'ask' ? 'waiting-permission' : 'running',
      output: '',
      exitCode: null,
      limit: null,
      error: null,
      sandboxed: sandboxStatus.available,
      network: assessment.network,
      startedAt: Date.now(),
      runningSince: null,
      endedAt: null,
    };
    await this.store.insert(toolCall);
    bus.emit('tool.updated', { toolCall });

    const finish = async (patch: Partial<ToolCall>, forModel: string) => {
      Object.assign(toolCall, patch, { endedAt: Date.now() });
      await this.store.update(toolCall);
      bus.emit('tool.updated', { toolCall });
      return { toolCall, forModel };
    };
    const fail = (error: Cell0Error, status: ToolCall['status'] = 'failed') =>
      finish({ status, error: error.toShape() }, `Error (${error.code}): ${error.message}`);

    const controller = new AbortController();
    const abort = () => controller.abort();
    signal.addEventListener('abort', abort, { once: true });
    this.running.set(toolCall.id, controller);
    try {
      if (assessment.decision === 'deny') {
        const { refusal } = assessment;
        await audit.append({
          actor: 'kernel',
          kind: 'permission.deny',
          tool: input.tool,
          args: input.args,
          outcome: refusal ? `refused (${refusal.code}): ${refusal.message}` : `denied: ${assessment.why}`,
          conversationId: input.conversationId,
        });
        return await fail(
          refusal
            ? new Cell0Error(refusal.code, refusal.message)
            : new Cell0Error('PERMISSION_DENIED', `Denied by a standing rule: ${assessment.why}`),
          'denied',
        );
      }
      if (assessment.decision === 'ask') {
        const decision = await permissions.request(call, assessment, controller.signal, {
          unsandboxed: !sandboxStatus.available,
        });
        if (decision === 'deny' || decision === 'cancelled') {
          const message =
            decision === 'deny'
              ? 'The owner denied this call. Do not retry it; ask the owner or choose another way.'
              : 'The request was withdrawn before the owner answered.';
          return await fail(
            new Cell0Error('PERMISSION_DENIED', message),
            decision === 'deny' ? 'denied' : 'cancelled',
          );
        }
        Object.assign(toolCall, { status: 'running' });
        await this.store.update(toolCall);
        bus.emit('tool.updated', { toolCall });
      }
      await this.deps.gate?.wait(controller.signal);
      if (controller.signal.aborted) {
        return await fail(new Cell0Error('TOOL_FAILED', 'Stopped before it ran.'), 'cancelled');
      }
      // Recorded before it runs: if recording fails (no signing key), nothing runs.
      await audit.append({
        actor: `agent:${input.conversationId}`,
        kind: 'tool.call',
        tool: input.tool,
        args: input.args,
        outcome: sandboxStatus.available ? 'started (sandboxed)' : 'started UNSANDBOXED by owner’s leave',
        conversationId: input.conversationId,
      });
      // The card's duration counts from here: the time the owner took to answer is not the tool's.
      toolCall.runningSince = Date.now();
      await this.store.update(toolCall);
      bus.emit('tool.updated', { toolCall });
      const result = await this.run(
        input.tool,
        input.args,
        workspace,
        !sandboxStatus.available,
        toolCall,
        controller.signal,
      );
      const outcome = result.limit
        ? `limit: ${result.limit}`
        : result.signal
          ? `killed: ${result.signal}`
          : `exit ${result.exitCode}`;
      await audit.append({
        actor: 'kernel',
        kind: result.limit ? 'limit.hit' : 'tool.result',
        tool: input.tool,
        args: input.args,
        outcome,
        conversationId: input.conversationId,
      });
      const patch: Partial<ToolCall> = {
        output: result.output,
        exitCode: result.exitCode,
        limit: result.limit,
        sandboxed: result.sandboxed,
        status: result.limit
          ? 'limit'
          : controller.signal.aborted
            ? 'cancelled'
            : result.exitCode === 0
              ? 'done'
              : 'failed',
      };
      const forModel = result.limit
        ? `${result.output}\n[Cell 0 stopped this command: it reached ${LIMIT_WORDS[result.limit]}.]`
        : `${result.output}${result.truncated ? '\n[output truncated]' : ''}\n[exit code ${result.exitCode ?? 'none'}]`;
      return await finish(patch, forModel);
    } catch (err) {
      const error = isCell0Error(err)
        ? err
        : new Cell0Error('TOOL_FAILED', `The tool could not run: ${String(err)}`);
      if (!isCell0Error(err)) this.deps.logger.error(`tool ${input.tool} failed`, err);
      return await fail(error);
    } finally {
      signal.removeEventListener('abort', abort);
      this.running.delete(toolCall.id);
    }
  }

  private async run(
    tool: ToolName,
    args: unknown,
    workspace: string,
    unsandboxed: boolean,
    toolCall: ToolCall,
    signal: AbortSignal,
  ): Promise<RunResult> {
    const onOutput = (chunk: string) =>
      this.deps.bus.emit('tool.output', {
        conversationId: toolCall.conversationId,
        toolCallId: toolCall.id,
        chunk,
      });
    const exec = (spec: RunSpec) => this.deps.sandbox.run({ ...spec, unsandboxed }, { onOutput, signal });
    if (tool !== 'edit_file') return exec(runSpecFor(tool, args, workspace));

    const edit = args as { path: string; oldText: string; newText: string };
    const read = await exec(runSpecFor('read_file', { path: edit.path, maxBytes: 5_000_000 }, workspace));
    if (read.exitCode !== 0 || read.limit) return read;
    const applied = applyEdit(read.output, edit.oldText, edit.newText);
    if (!applied.ok) return { ...read, exitCode: 1, output: `cell0: ${applied.reason}` };
    return exec(runSpecFor('write_file', { path: edit.path, content: applied.text }, workspace));
  }
}
