/**
 * `cell0 sandbox run`: one command under the same confinement and limits as an agent's tool
 * call, to see for yourself what a tool can and cannot do on this machine.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Sandbox } from '../core/kernel/sandbox/sandbox.js';
import { createLogger } from '../core/base/logger.js';
import { isCell0Error } from '../core/protocol/errors.js';
import type { RunResult } from '../core/kernel/types.js';
import { attemptOutcome } from '../core/kernel/network/attempt-outcome.js';
import type { EgressAttempt } from '../core/kernel/network/egress-proxy.js';
import { parseHostPattern, type HostPattern } from '../core/kernel/network/host-patterns.js';

export const SANDBOX_USAGE = `Usage: cell0 sandbox run [--net] [--allow-host HOST[:PORT]]... [--workspace DIR] [--timeout SECONDS] -- CMD...

Runs CMD under the tool sandbox and its limits, streams its output, and prints a summary. The
sandbox has no network of its own; with --net or --allow-host its only way out is the kernel's
egress proxy (HTTP_PROXY, HTTPS_PROXY and ALL_PROXY are set for it), which prints every attempt.
  --net              Let the command reach any public host (never loopback or a private range)
  --allow-host HOST[:PORT]
                     Let it reach this host (repeatable; *.domain for its subdomains); an exact
                     host:port may be on this machine or a private network
  --workspace DIR    The only writable directory (default: a new temporary one, removed afterwards);
                     when Cell 0 runs as root, DIR is handed to the sandbox user
  --timeout SECONDS  Wall-clock limit (default 120)`;

/** Exit status when the sandbox itself failed (as `env`, `nice` and friends use it). */
const SANDBOX_ERROR_EXIT = 125;

function usage(message: string): void {
  process.stderr.write(`cell0 sandbox: ${message}\n\n${SANDBOX_USAGE}\n`);
  process.exitCode = 2;
}

interface Parsed {
  net: boolean;
  allowHosts: HostPattern[];
  workspace: string | null;
  timeoutMs: number | null;
  argv: string[];
}

function parse(args: string[]): Parsed | string {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'run')
    return subcommand === undefined ? 'missing subcommand "run"' : `unknown subcommand "${subcommand}"`;
  const dashes = rest.indexOf('--');
  const optionArgs = dashes === -1 ? rest : rest.slice(0, dashes);
  let parsed;
  try {
    parsed = parseArgs({
      args: optionArgs,
      options: {
        net: { type: 'boolean' },
        'allow-host': { type: 'string', multiple: true },
        workspace: { type: 'string' },
        timeout: { type: 'string' },
      },
      allowPositionals: dashes === -1,
      strict: true,
    });
  } catch (err) {
    return (err as Error).message;
  }
  const argv = dashes === -1 ? parsed.positionals : rest.slice(dashes + 1);
  if (argv.length === 0) return 'no command given after --';
  let timeoutMs: number | null = null;
  if (parsed.values.timeout !== undefined) {
    const seconds = Number(parsed.values.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0) return '--timeout must be a positive number of seconds';
    timeoutMs = Math.round(seconds * 1000);
  }
  const allowHosts: HostPattern[] = [];
  for (const host of parsed.values['allow-host'] ?? []) {
    try {
      allowHosts.push(parseHostPattern(host));
    } catch (err) {
      return `--allow-host: ${(err as Error).message}`;
    }
  }
  return {
    net: parsed.values.net === true,
    allowHosts,
    workspace: parsed.values.workspace === undefined ? null : resolve(parsed.values.workspace),
    timeoutMs,
    argv,
  };
}

export function summaryLine(result: RunResult): string {
  const ending = result.signal ? `killed by ${result.signal}` : `exit ${result.exitCode}`;
  const limit = result.limit ? ` · limit ${result.limit} hit` : '';
  return `cell0 sandbox: ${ending}${limit} · ${result.durationMs} ms · sandboxed ${result.sandboxed ? 'yes' : 'no'}`;
}

/** The shell convention for the command's status: its exit code, or 128 + the signal that ended it. */
function exitStatus(result: RunResult): number {
  if (result.exitCode !== null) return result.exitCode;
  const number = result.signal ? constants.signals[result.signal as NodeJS.Signals] : undefined;
  return number === undefined ? 1 : 128 + number;
}

export async function sandboxCommand(args: string[]): Promise<void> {
  if (args[0] === '-h' || args[0] === '--help' || args[0] === 'help') {
    process.stdout.write(`${SANDBOX_USAGE}\n`);
    return;
  }
  const parsed = parse(args);
  if (typeof parsed === 'string') return usage(parsed);

  // One call in a short-lived process: the call itself proves the sandbox works (a trial runs only
  // if it fails), and the probe of this machine runs while the workspace is made.
  const sandbox = new Sandbox({ logger: createLogger(), trial: 'on-failure' });
  const probing = sandbox.status();
  const temporary = parsed.workspace === null;
  const workspace = parsed.workspace ?? (await mkdtemp(join(tmpdir(), 'cell0-workspace-')));
  if (temporary) process.stderr.write(`cell0 sandbox: workspace ${workspace} (removed afterwards)\n`);
  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  process.once('SIGINT', onInterrupt);
  try {
    await Promise.all([sandbox.prepareWorkspace(workspace), probing]);
    const network = parsed.net || parsed.allowHosts.length > 0;
    const result = await sandbox.run(
      {
        argv: parsed.argv,
        workspace,
        network,
        ...(network
          ? {
              egress: {
                rules: { mode: 'enforce' as const, anyPublic: parsed.net, hosts: parsed.allowHosts },
                onAttempt: (attempt: EgressAttempt) =>
                  process.stderr.write(`cell0 sandbox: network ${attemptOutcome(attempt)}\n`),
              },
            }
          : {}),
        ...(parsed.timeoutMs !== null ? { limits: { wallClockMs: parsed.timeoutMs } } : {}),
      },
      { onOutput: (chunk) => process.stdout.write(chunk), signal: abort.signal },
    );
    process.stderr.write(`${summaryLine(result)}\n`);
    process.exitCode = exitStatus(result);
  } catch (err) {
    const message = isCell0Error(err)
      ? `${err.message} [${err.code}]`
      : err instanceof Error
        ? err.message
        : String(err);
    process.stderr.write(`cell0 sandbox: ${message}\n`);
    process.exitCode = SANDBOX_ERROR_EXIT;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    await sandbox.stop();
    if (temporary) await rm(workspace, { recursive: true, force: true });
  }
}
