/**
 * The MCP stdio transport for a server process Cell 0 launched (confined or not). Written here
 * rather than the SDK's StdioClientTransport because that one merges the host's HOME, USER, PATH…
 * into the server's environment, cannot pass bubblewrap its options on a private descriptor, and
 * stops only the process it started, not the tree under it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { killTree } from '../kernel/sandbox/process-tree.js';

export interface StdioLaunch {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Written to the child's fd 3, then closed (bubblewrap's `--args 3`). */
  fd3: string | null;
}

export interface ProcessEnd {
  code: number | null;
  signal: string | null;
}

/** Largest single message a server may send; a longer line ends the connection (see overflow). */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
const STDERR_TAIL_BYTES = 8 * 1024;
const MALFORMED_KEPT = 3;
/** After stdin closes, how long a server may take to exit on its own before its tree is killed. */
const EXIT_GRACE_MS = 1000;

function signalName(signal: NodeJS.Signals | null): string | null {
  return signal ?? null;
}

/** Keeps the last bytes of a stream as text (a server's stderr: what it said before failing). */
export class TailBuffer {
  private text = '';
  constructor(private readonly limit: number) {}
  push(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > this.limit) this.text = this.text.slice(this.text.length - this.limit);
  }
  toString(): string {
    return this.text;
  }
}

export class ProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  readonly stderr = new TailBuffer(STDERR_TAIL_BYTES);
  /** The first lines it sent that are not JSON-RPC, cut short (what the status shows). */
  readonly malformed: string[] = [];
  /** Set when the process ended, however it ended. */
  end: ProcessEnd | null = null;
  /** Set when it sent a message longer than MAX_MESSAGE_BYTES (the connection is then closed). */
  overflowed = false;

  private child: ChildProcess | null = null;
  private readonly buffer = new ReadBuffer({ maxBufferSize: MAX_MESSAGE_BYTES });
  private exited: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(private readonly launch: StdioLaunch) {}

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  start(): Promise<void> {
    const { launch } = this;
    return new Promise((resolve, reject) => {
      // detached: its own process group, which close() signals as a whole.
      const child = spawn(launch.file, launch.args, {
        cwd: launch.cwd,
        env: launch.env,
        stdio: ['pipe', 'pipe', 'pipe', launch.fd3 === null ? 'ignore' : 'pipe'],
        detached: true,
      });
      this.child = child;
      this.exited = new Promise((done) => child.once('close', () => done()));
      child.once('error', (err) => {
        reject(err);
        this.onerror?.(err);
      });
      child.once('spawn', () => {
        const fd3 = child.stdio[3];
        if (launch.fd3 !== null && fd3 && 'end' in fd3) {
          fd3.on('error', () => undefined);
          fd3.end(launch.fd3);
        }
        resolve();
      });
      child.stdin?.on('error', (err) => this.onerror?.(err));
      child.stdout?.on('data', (chunk: Buffer) => this.receive(chunk));
      child.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk));
      child.once('close', (code, signal) => {
        this.end = { code, signal: signalName(signal) };
        this.child = null;
        this.onclose?.();
      });
    });
  }

  private receive(chunk: Buffer): void {
    try {
      this.buffer.append(chunk);
    } catch {
      this.overflowed = true;
      this.onerror?.(new Error(`the server sent a message larger than ${MAX_MESSAGE_BYTES} bytes`));
      void this.close();
      return;
    }
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (err) {
        // readMessage has already consumed the bad line: note it and go on with the next.
        this.noteMalformed(err);
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  private noteMalformed(err: unknown): void {
    const text = err instanceof Error ? err.message : String(err);
    if (this.malformed.length < MALFORMED_KEPT) this.malformed.push(text.slice(0, 200));
    this.onerror?.(new Error(`the server sent a line that is not JSON-RPC: ${text.slice(0, 200)}`));
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed) return Promise.reject(new Error('the server process is not running'));
    return new Promise((resolve, reject) => {
      stdin.write(serializeMessage(message), (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Closes stdin (the MCP way to ask a stdio server to exit), then kills the tree if it lingers. */
  async close(): Promise<void> {
    if (this.closing) return this.exited;
    this.closing = true;
    const child = this.child;
    if (child?.pid) {
      child.stdin?.end();
      const pid = child.pid;
      const timer = setTimeout(() => killTree(pid), EXIT_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
      // Whatever it left behind in its group (a confined tree dies with its namespace anyway).
      killTree(pid, false);
    }
    this.buffer.clear();
  }

  /** Kills the whole tree at once (app exit, Stop, a server that would not answer). */
  kill(): void {
    const pid = this.child?.pid;
    if (pid) killTree(pid);
  }
}

/** The process's end in words: "exited with status 1", "was killed by SIGKILL". */
export function describeEnd(end: ProcessEnd | null): string {
  if (!end) return 'stopped';
  if (end.signal) return `was killed by ${end.signal}`;
  if (end.code !== null && end.code > 128 && end.code < 128 + 65) {
    const name = Object.entries(constants.signals).find(([, n]) => n === end.code! - 128)?.[0];
    if (name) return `was killed by ${name}`;
  }
  return `exited with status ${end.code ?? 'unknown'}`;
}
