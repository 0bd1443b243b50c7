/**
 * Runs one prepared command line (bwrap, sandbox-exec or the bare command) to its end: output
 * counted and cut at the limit, the wall clock enforced, abort honoured, and the whole tree
 * killed whenever we stop it.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { Cell0Error } from '../../protocol/errors.js';
import { OutputBuffer } from './output-buffer.js';
import { killTree } from './process-tree.js';

export interface Launch {
  file: string;
  args: string[];
  /** The complete environment of the launched process (never the app's own). */
  env: Record<string, string>;
  cwd: string;
}

export interface ExecuteOptions {
  tty: boolean;
  stdin?: string;
  wallClockMs: number;
  outputBytes: number;
  onOutput?: (chunk: string) => void;
  signal?: AbortSignal;
}

export type KillReason = 'output' | 'wall-clock' | 'abort';

export interface Execution {
  exitCode: number | null;
  signal: string | null;
  killedFor: KillReason | null;
  output: string;
  truncated: boolean;
  durationMs: number;
}

export interface RunningProcess {
  /** Kills the tree; the run then resolves with `killedFor` set to the reason. */
  stop(reason: KillReason): void;
  done: Promise<Execution>;
}

/** After the launched process exits, how long its pipes may stay open (held by an escaped daemon). */
const PIPE_GRACE_MS = 200;

/** Cols and rows of the shell tool's terminal (what the UI's xterm shows). */
export const TTY_COLS = 100;
export const TTY_ROWS = 30;

function signalName(signal: number | null | undefined): string | null {
  if (!signal) return null;
  for (const [name, value] of Object.entries(constants.signals)) if (value === signal) return name;
  return `SIG${signal}`;
}

interface Child {
  pid: number;
  write(stdin: string): void;
}

interface Handlers {
  onData(chunk: Buffer | string): void;
  /** The launched process is gone (its pid may be reused from now on); pipes may still be open. */
  onExited(): void;
  onEnd(code: number | null, signal: string | null): void;
}

type Attach = (handlers: Handlers) => Promise<Child>;

function attachPipes(launch: Launch, stdin: string | undefined): Attach {
  return ({ onData, onExited, onEnd }) =>
    new Promise((resolve, reject) => {
      // detached: the run gets its own process group, which killTree signals as a whole.
      const child = spawn(launch.file, launch.args, {
        cwd: launch.cwd,
        env: launch.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      });
      child.once('error', (err) =>
        reject(
          new Cell0Error('TOOL_FAILED', `could not start ${launch.file}: ${err.message}`, { cause: err }),
        ),
      );
      child.once('spawn', () => {
        child.stdin.on('error', () => undefined); // a tool that never reads its stdin closes the pipe early
        child.stdin.end(stdin ?? '');
        resolve({ pid: child.pid ?? -1, write: () => undefined });
      });
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      let grace: NodeJS.Timeout | undefined;
      child.once('exit', () => {
        onExited();
        grace = setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
        }, PIPE_GRACE_MS);
      });
      child.once('close', (code, signal) => {
        // Closed within the grace: nothing is left to cut, and a pending timer would keep a
        // short-lived process (`cell0 sandbox run`) alive for the rest of it.
        clearTimeout(grace);
        onEnd(code, signal);
      });
    });
}

function attachTerminal(launch: Launch, stdin: string | undefined): Attach {
  return async ({ onData, onExited, onEnd }) => {
    const mod = await import('node-pty');
    const pty = (mod as unknown as { default?: typeof mod }).default ?? mod;
    let term;
    try {
      term = pty.spawn(launch.file, launch.args, {
        name: 'xterm-256color',
        cols: TTY_COLS,
        rows: TTY_ROWS,
        cwd: launch.cwd,
        env: launch.env,
      });
    } catch (err) {
      throw new Cell0Error('TOOL_FAILED', `could not start ${launch.file} in a terminal: ${String(err)}`, {
        cause: err,
      });
    }
    term.onData(onData);
    term.onExit(({ exitCode, signal }) => {
      onExited();
      onEnd(signal ? null : exitCode, signalName(signal));
    });
    if (stdin) term.write(stdin);
    return { pid: term.pid, write: (data) => term.write(data) };
  };
}

export function execute(launch: Launch, options: ExecuteOptions): RunningProcess {
  const started = performance.now();
  const output = new OutputBuffer(options.outputBytes, options.onOutput);
  let pid: number | null = null;
  let exited = false;
  let killedFor: KillReason | null = null;
  let finished = false;

  const kill = () => {
    if (pid === null || pid <= 0) return;
    // Once the launched process is reaped its pid may belong to someone else: only its process
    // group (which keeps the number reserved while any member lives) is signalled then.
    killTree(pid, !exited);
  };
  const stop = (reason: KillReason) => {
    if (finished || killedFor) return;
    killedFor = reason;
    kill();
  };

  const done = new Promise<Execution>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => stop('abort');
    const finish = (exitCode: number | null, signal: string | null) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({
        exitCode,
        signal,
        killedFor,
        output: output.text(),
        truncated: output.truncated,
        durationMs: performance.now() - started,
      });
    };
    const onData = (chunk: Buffer | string) => {
      if (!output.push(chunk)) stop('output');
    };
    const onExited = () => {
      exited = true;
    };
    const attach = options.tty ? attachTerminal(launch, options.stdin) : attachPipes(launch, options.stdin);
    attach({ onData, onExited, onEnd: finish }).then(
      (child) => {
        pid = child.pid;
        if (finished) return;
        timer = setTimeout(() => stop('wall-clock'), options.wallClockMs);
        if (options.signal?.aborted) stop('abort');
        else options.signal?.addEventListener('abort', onAbort, { once: true });
        // A limit may have been passed before the pid was known.
        if (killedFor) kill();
      },
      (err: unknown) => {
        finished = true;
        reject(err);
      },
    );
  });

  return { stop, done };
}
