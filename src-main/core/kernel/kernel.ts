import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import { Cell0Error } from '../protocol/errors.js';
import type { NetworkScope, SandboxStatus, ToolCall } from '../protocol/kernel-entities.js';
import type { Database } from '../storage/database.js';
import type { AuditLog } from './audit/audit-log.js';
import {
  errorForModel,
  govern,
  plainError,
  type Governed,
  type GovernedCall,
  type Ran,
} from './governed-call.js';
import type { PermissionEngine } from './permissions/permission-engine.js';
import { callEgress } from './call-egress.js';
import { runSandboxed } from './sandboxed-tool.js';
import type { Sandbox } from './sandbox/sandbox.js';
import type { Labs } from './lab/labs.js';
import type { Lab } from '../protocol/lab-entities.js';
import { checkChosenWorkspace } from './chosen-workspace.js';
import { ToolCallLedger } from './tool-call-ledger.js';
import type { PauseGate } from '../base/pause-gate.js';
import { summarize } from './tools/tool-specs.js';
import { visibleText } from './permissions/visible.js';
import type { HostedCall, ToolCallInput } from './types.js';

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
  /** The workspace folder the owner chose for a conversation (conversations store); null: the default. */
  chosenWorkspace?: (conversationId: string) => Promise<string | null>;
  /** The Lab: calls may run in a copy-on-write view of their workspace instead of the live one. */
  labs?: Labs;
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

/**
 * The laws of physics for tools: every call is assessed by the permission engine, asked of the
 * owner when no rule covers it, run confined by the sandbox, and recorded in the signed audit log
 * before and after. Nothing here runs a built-in tool in the app's own process; a hosted tool
 * (executeHosted) runs there, by its host's code, under the same law.
 */
export class Kernel {
  private readonly ledger: ToolCallLedger;
  private readonly running = new Map<string, AbortController>();
  readonly workspaceRoot: string;

  constructor(private readonly deps: KernelDeps) {
    this.ledger = new ToolCallLedger(deps.db, deps.bus, deps.logger);
    this.workspaceRoot = deps.workspaceRoot ?? defaultWorkspaceRoot(deps.dataDir);
  }

  async start(): Promise<void> {
    await mkdir(this.workspaceRoot, { recursive: true, mode: 0o755 });
    await this.ledger.store.markAbandoned(Date.now());
    await this.deps.sandbox.start();
  }

  async stop(): Promise<void> {
    this.stopAll();
    await this.deps.sandbox.stop();
  }

  /**
   * Each conversation has its own folder: the only place its tools can write. It is the folder the
   * owner chose for it, checked again at every use (it may have gone, or become a symlink), or else
   * its own folder under the workspace root.
   */
  async workspaceFor(conversationId: string): Promise<string> {
    const chosen = await this.deps.chosenWorkspace?.(conversationId);
    if (chosen) {
      const real = await this.checkWorkspaceChoice(chosen);
      this.deps.sandbox.allowWorkspace(real);
      return real;
    }
    const dir = join(this.workspaceRoot, conversationId);
    await this.deps.sandbox.prepareWorkspace(dir);
    return dir;
  }

  /** A folder the owner offers as a workspace: its real path, or a WORKSPACE_* refusal saying why. */
  checkWorkspaceChoice(path: string): Promise<string> {
    return checkChosenWorkspace(path, {
      dataDir: this.deps.dataDir,
      workspaceRoot: this.workspaceRoot,
      account: this.deps.sandbox.account(),
    });
  }

  /**
   * The owner sets (a path) or resets (null) a conversation's workspace folder: checked, stored by
   * `store`, and recorded in the signed audit log. The next tool call runs in it.
   */
  async chooseWorkspace(
    conversationId: string,
    path: string | null,
    store: (real: string | null) => Promise<void>,
  ): Promise<string | null> {
    const real = path === null ? null : await this.checkWorkspaceChoice(path);
    if (real) this.deps.sandbox.allowWorkspace(real);
    await store(real);
    await this.deps.audit.append({
      actor: 'owner',
      kind: 'workspace.choose',
      tool: null,
      args: { workspace: real },
      outcome: real ? `workspace set to ${real}` : 'workspace reset to the default folder',
      conversationId,
    });
    return real;
  }

  /** A lab over the conversation's workspace (a dry-run reply, a simulated swarm): network recorded. */
  async openLab(conversationId: string, origin: 'reply' | 'swarm'): Promise<Lab> {
    if (!this.deps.labs) throw new Cell0Error('LAB_UNAVAILABLE', 'The Lab is not available in this Cell 0.');
    return this.deps.labs.open({
      workspace: await this.workspaceFor(conversationId),
      origin,
      conversationId,
      netRecord: true,
    });
  }

  async status(): Promise<{ sandbox: SandboxStatus; runningTools: number }> {
    return { sandbox: await this.deps.sandbox.status(), runningTools: this.running.size };
  }

  runningCount(): number {
    return this.running.size;
  }

  list(conversationId: string): Promise<ToolCall[]> {
    return this.ledger.store.list(conversationId);
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
  async execute(input: KernelCall, signal: AbortSignal): Promise<Governed> {
    let call: GovernedCall;
    try {
      call = await this.admit(input);
    } catch (err) {
      return this.unrecorded(input, summarize(input.tool, input.args), err);
    }
    return this.supervise(call, signal);
  }

  /**
   * Runs one call of a hosted tool — one that runs in Cell 0's own process (memory_save; MCP
   * tools) — under the same law: assessed by the same rules and grants, asked of the owner, paused
   * while agents are paused, audited before and after, and shown as a tool call. `run` does the
   * work once it may; what it returns is what the model is told.
   */
  async executeHosted(
    input: HostedCall,
    run: (signal: AbortSignal) => Promise<string>,
    signal: AbortSignal,
  ): Promise<Governed> {
    let call: GovernedCall;
    try {
      const assessment = this.deps.permissions.assessHosted(input);
      const toolCall = newToolCall(input, visibleText(input.summary ?? input.display), {
        status: assessment.decision === 'ask' ? 'waiting-permission' : 'running',
        hosted: true,
      });
      if (!(await this.ledger.open(toolCall))) throw new DuplicateCall(toolCall.id);
      call = {
        toolCall,
        input: { ...input, workspace: null },
        assessment,
        unsandboxed: false,
        startedOutcome: 'started (in Cell 0)',
        run: async (runSignal) => {
          const output = await run(runSignal);
          return {
            patch: { output, status: runSignal.aborted ? 'cancelled' : 'done' },
            forModel: output,
            outcome: 'done',
            limitHit: false,
          };
        },
      };
    } catch (err) {
      return this.unrecorded(input, visibleText(input.summary ?? input.display), err);
    }
    return this.supervise(call, signal);
  }

  /** Assesses a call and opens its card; throws when it cannot even be recorded. */
  private async admit(input: KernelCall): Promise<GovernedCall> {
    const { permissions, sandbox } = this.deps;
    const workspace = await this.workspaceFor(input.conversationId);
    const call: ToolCallInput = { ...input, workspace };
    const sandboxStatus = await sandbox.status();
    const unsandboxed = !sandboxStatus.available;
    const assessment = permissions.assess(call, sandboxStatus.available);
    const toolCall = newToolCall(input, summarize(input.tool, input.args), {
      status: assessment.decision === 'ask' ? 'waiting-permission' : 'running',
      sandboxed: sandboxStatus.available,
      network: assessment.network,
    });
    if (!(await this.ledger.open(toolCall))) throw new DuplicateCall(toolCall.id);
    // Allowed unasked (a rule, a grant): a fetch reaches its URL's host, a shell any public host.
    // Asked: what the owner chose on the card.
    let scope: NetworkScope = input.tool === 'fetch_url' ? 'hosts' : 'any-public';
    const { labs } = this.deps;
    const inLab = input.labId && labs ? { labs, id: input.labId } : undefined;
    const base = { tool: input.tool, args: input.args, workspace, unsandboxed, toolCall };
    return {
      toolCall,
      input: call,
      assessment,
      unsandboxed,
      startedOutcome: inLab
        ? `started in lab ${inLab.id}`
        : unsandboxed
          ? 'started UNSANDBOXED by owner’s leave'
          : 'started (sandboxed)',
      onNetwork: (chosen) => (scope = chosen),
      inLab: inLab !== undefined,
      run: (signal) =>
        runSandboxed(
          this.deps,
          {
            ...base,
            ...(inLab ? { lab: inLab } : {}),
            ...(assessment.network && !inLab
              ? { egress: callEgress(this.deps, call, assessment.hosts, scope, signal) }
              : {}),
          },
          signal,
        ),
      ...(labs && !inLab && sandboxStatus.kind === 'bubblewrap'
        ? { runInLab: (signal: AbortSignal) => this.tryInLab(labs, base, call, signal) }
        : {}),
    };
  }

  /** "Try in lab first": the call runs in a lab of its own; the owner reviews it before it counts. */
  private async tryInLab(
    labs: Labs,
    run: Omit<Parameters<typeof runSandboxed>[1], 'lab' | 'egress'>,
    call: ToolCallInput,
    signal: AbortSignal,
  ): Promise<Ran> {
    const lab = await labs.open({
      workspace: call.workspace,
      origin: 'tool-call',
      conversationId: call.conversationId,
      netRecord: true,
    });
    const ran = await runSandboxed(this.deps, { ...run, lab: { labs, id: lab.id } }, signal);
    return {
      ...ran,
      outcome: `tried in lab ${lab.id}: ${ran.outcome}`,
      forModel: `${ran.forModel}\n[Cell 0 ran this in lab ${lab.id}, a copy-on-write view: the workspace is unchanged until the owner reviews and applies its changes.]`,
    };
  }

  /** Governs an admitted call; the reply's signal and "stop all" both stop it. */
  private async supervise(call: GovernedCall, signal: AbortSignal): Promise<Governed> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    if (signal.aborted) controller.abort();
    signal.addEventListener('abort', abort, { once: true });
    this.running.set(call.toolCall.id, controller);
    try {
      return await govern({ ...this.deps, ledger: this.ledger }, call, controller.signal);
    } finally {
      signal.removeEventListener('abort', abort);
      this.running.delete(call.toolCall.id);
    }
  }

  /**
   * A call that could not be recorded did not run. Its card is shown failed, except when its id
   * is another call's: that call's card must stay as it is.
   */
  private unrecorded(input: CallIds, summary: string, err: unknown): Governed {
    const duplicate = err instanceof DuplicateCall;
    const error = duplicate
      ? new Cell0Error(
          'INTERNAL',
          `Cell 0 could not record this tool call: its id "${input.toolCallId}" is already another call's. It did not run; call it again.`,
        )
      : plainError(err, this.deps.logger, input.tool);
    const now = Date.now();
    const toolCall = newToolCall(input, summary, {
      status: 'failed',
      error: error.toShape(),
      startedAt: now,
      endedAt: now,
    });
    if (!duplicate) this.ledger.announce(toolCall);
    return { toolCall, forModel: errorForModel(error) };
  }
}

type CallIds = Pick<KernelCall, 'conversationId' | 'messageId' | 'toolCallId' | 'args'> & { tool: string };

function newToolCall(input: CallIds, summary: string, fields: Partial<ToolCall>): ToolCall {
  return {
    id: input.toolCallId,
    conversationId: input.conversationId,
    messageId: input.messageId,
    tool: input.tool,
    args: input.args,
    summary,
    status: 'running',
    output: '',
    exitCode: null,
    limit: null,
    error: null,
    sandboxed: false,
    hosted: false,
    network: false,
    startedAt: Date.now(),
    runningSince: null,
    endedAt: null,
    ...fields,
  };
}

/** The store already holds a call with this id (a provider that repeats its call ids). */
class DuplicateCall extends Error {
  constructor(readonly id: string) {
    super(`tool call id ${id} is taken`);
  }
}
