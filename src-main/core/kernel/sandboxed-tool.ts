import type { EventBus } from '../base/event-bus.js';
import type { ToolCall, ToolName } from '../protocol/kernel-entities.js';
import type { Ran } from './governed-call.js';
import type { EgressOptions } from './network/egress-proxy.js';
import type { Sandbox } from './sandbox/sandbox.js';
import type { Labs } from './lab/labs.js';
import { applyEdit, runSpecFor } from './tools/tool-specs.js';
import type { RunResult, RunSpec } from './types.js';

const LIMIT_WORDS: Record<NonNullable<RunResult['limit']>, string> = {
  cpu: 'its CPU time limit',
  memory: 'its memory limit',
  processes: 'its process limit',
  'file-size': 'its file size limit',
  output: 'its output limit',
  'wall-clock': 'its time limit',
};

export interface SandboxedRun {
  tool: ToolName;
  args: unknown;
  workspace: string;
  unsandboxed: boolean;
  toolCall: ToolCall;
  /** For a call granted network: what the egress proxy lets it reach. */
  egress?: EgressOptions | undefined;
  /** Run in this lab instead of the live workspace (its network recorded, never made). */
  lab?: { labs: Labs; id: string } | undefined;
}

/** Runs a built-in tool in the sandbox, its output streamed to the card; never in the app's own process. */
export async function runSandboxed(
  deps: { sandbox: Sandbox; bus: EventBus },
  run: SandboxedRun,
  signal: AbortSignal,
): Promise<Ran> {
  const result = await runTool(deps, run, signal);
  const outcome = result.limit
    ? `limit: ${result.limit}`
    : result.signal
      ? `killed: ${result.signal}`
      : `exit ${result.exitCode}`;
  const patch: Partial<ToolCall> = {
    output: result.output,
    exitCode: result.exitCode,
    limit: result.limit,
    sandboxed: result.sandboxed,
    status: result.limit ? 'limit' : signal.aborted ? 'cancelled' : result.exitCode === 0 ? 'done' : 'failed',
  };
  const forModel = result.limit
    ? `${result.output}\n[Cell 0 stopped this command: it reached ${LIMIT_WORDS[result.limit]}.]`
    : `${result.output}${result.truncated ? '\n[output truncated]' : ''}\n[exit code ${result.exitCode ?? 'none'}]`;
  return { patch, forModel, outcome, limitHit: result.limit !== null };
}

async function runTool(
  deps: { sandbox: Sandbox; bus: EventBus },
  { tool, args, workspace, unsandboxed, toolCall, egress, lab }: SandboxedRun,
  signal: AbortSignal,
): Promise<RunResult> {
  if (lab && tool === 'fetch_url') {
    // Recorded, not made: a lab reaches nothing.
    const { url } = args as { url: string };
    await lab.labs.recordFetch(lab.id, url);
    const output = `[Cell 0 lab ${lab.id}] recorded, not made: GET ${url}. The lab makes no network requests; the owner sees this attempt in its report.`;
    return {
      exitCode: 0,
      signal: null,
      output,
      truncated: false,
      limit: null,
      durationMs: 0,
      sandboxed: true,
    };
  }
  const onOutput = (chunk: string) =>
    deps.bus.emit('tool.output', {
      conversationId: toolCall.conversationId,
      toolCallId: toolCall.id,
      chunk,
    });
  const exec = (spec: RunSpec) =>
    lab
      ? lab.labs.run(
          lab.id,
          {
            argv: spec.argv,
            toolCallId: toolCall.id,
            ...(spec.stdin !== undefined ? { stdin: spec.stdin } : {}),
            ...(spec.tty ? { tty: true } : {}),
          },
          { onOutput, signal },
        )
      : deps.sandbox.run(
          { ...spec, unsandboxed, ...(spec.network && egress ? { egress } : {}) },
          { onOutput, signal },
        );
  if (tool !== 'edit_file') return exec(runSpecFor(tool, args, workspace));

  // Two sandboxed steps joined here: the edit itself is a pure string operation.
  const edit = args as { path: string; oldText: string; newText: string };
  const read = await exec(runSpecFor('read_file', { path: edit.path, maxBytes: 5_000_000 }, workspace));
  if (read.exitCode !== 0 || read.limit) return read;
  const applied = applyEdit(read.output, edit.oldText, edit.newText);
  if (!applied.ok) return { ...read, exitCode: 1, output: `cell0: ${applied.reason}` };
  return exec(runSpecFor('write_file', { path: edit.path, content: applied.text }, workspace));
}
