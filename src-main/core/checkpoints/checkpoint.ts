/**
 * What one checkpoint is: a stable id, why it matters, how to put it right, and a probe that
 * actually tries the boundary on this machine. Probes get everything they touch through a
 * ProbeEnv, so the command, the running app and the tests hand them the same kinds of parts
 * (and a test can hand one a weakened part to see it FAIL).
 */
import type { CheckpointGroup, CheckpointStatus } from '../protocol/checkpoint-entities.js';
import type { SandboxStatus } from '../protocol/kernel-entities.js';
import type { RunResult, RunSpec } from '../kernel/types.js';
import type { SqlValue } from '../storage/database.js';

export type CheckpointSetting =
  'models' | 'instance' | 'permissions' | 'channels' | 'mcp' | 'mesh' | 'security';

export interface Outcome {
  status: CheckpointStatus;
  detail: string;
  /** Replaces the checkpoint's own fix hint when the probe knows better. */
  fix?: string;
}

export interface Checkpoint {
  id: string;
  group: CheckpointGroup;
  title: string;
  why: string;
  fix: string;
  setting?: CheckpointSetting;
  probe(env: ProbeEnv): Promise<Outcome>;
  /** A safe fix (file modes, an open policy to the allowlist): returns what it changed. */
  repair?(env: ProbeEnv): Promise<string[]>;
}

/** The data directory's database, read only unless a safe fix asks for the writer. */
export interface ProbeDatabase {
  all<T>(sql: string, params?: SqlValue[]): Promise<T[]>;
}

export interface ProbeKeychain {
  get(account: string): Promise<string | null>;
  getExpected(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

/** The tool sandbox as the escape probes use it: the same calls `cell0 sandbox run` makes. */
export interface ProbeSandbox {
  status(): Promise<SandboxStatus>;
  prepareWorkspace(dir: string): Promise<void>;
  run(spec: RunSpec): Promise<RunResult>;
}

/** A gateway like the one `cell0 serve` runs, started for the probes (or the running one). */
export interface ProbeGateway {
  host: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** One TCP connection of the app's process, from /proc/<pid>/net. */
export interface OpenConnection {
  local: string;
  remote: string;
  remoteAddress: string;
  state: string;
}

/** What the desktop app tells about itself; null under the CLI and `cell0 serve`. */
export interface DesktopProbe {
  windows(): {
    role: string;
    contextIsolation: boolean;
    sandbox: boolean;
    nodeIntegration: boolean;
    webSecurity: boolean;
    navigationGuarded: boolean;
  }[];
  /** The packaged app's fuses by name, or null when this is not a packaged build. */
  fuses(): Promise<Record<string, boolean> | null>;
}

export interface ProbeEnv extends ProbeParts {
  /** Shared work between probes (the list of secrets, the bait directory), computed once per run. */
  once<T>(key: string, make: () => Promise<T>): Promise<T>;
  /** Cleanups registered by probes, run when the whole run ends. */
  defer(cleanup: () => Promise<void>): void;
}

/** What a run is given: the data directory and the parts the probes try. */
export interface ProbeParts {
  dataDir: string;
  runner: 'cli' | 'desktop' | 'serve';
  /** Null when the data directory has no database yet. */
  db: ProbeDatabase | null;
  /** The writer, opened only by a safe fix. */
  writeDb(): Promise<{ run(sql: string, params?: SqlValue[]): Promise<unknown> }>;
  keychain: ProbeKeychain;
  sandbox: ProbeSandbox;
  /** A sandbox whose bubblewrap is missing: it must refuse to run anything. */
  missingSandbox(): ProbeSandbox;
  startGateway(): Promise<ProbeGateway>;
  /** The app process whose connections the idle probe reads; null when no app runs on this data directory. */
  appPid(): Promise<number | null>;
  /** Whether the app is doing anything (a reply, a swarm, a tool); the idle probe waits for quiet. */
  busy(): boolean;
  desktop: DesktopProbe | null;
}

export const pass = (detail: string): Outcome => ({ status: 'PASS', detail });
export const warn = (detail: string, fix?: string): Outcome => ({
  status: 'WARN',
  detail,
  ...(fix ? { fix } : {}),
});
export const fail = (detail: string, fix?: string): Outcome => ({
  status: 'FAIL',
  detail,
  ...(fix ? { fix } : {}),
});
export const skip = (detail: string): Outcome => ({ status: 'SKIP', detail });
