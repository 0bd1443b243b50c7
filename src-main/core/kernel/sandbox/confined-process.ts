/**
 * A long-lived confined process (an MCP server): the same walls as a tool call — bubblewrap, an
 * unprivileged uid, rlimits, a scrubbed environment — but no wall clock, and handed back as a
 * command line for the caller to spawn and talk to over its pipes, instead of being run to its end.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { Cell0Error } from '../../protocol/errors.js';
import { EgressProxy, type EgressOptions } from '../network/egress-proxy.js';
import type { Limits } from '../types.js';
import { DEFAULT_LIMITS } from '../types.js';
import { bwrapArgs, dropPrivilegesArgs } from './bwrap-args.js';
import { relayArgv } from './egress-relay.js';
import { SANDBOX_PATH, sandboxEnv } from './environment.js';
import { prlimitArgs, processAllowance, resolveLimits } from './limits.js';
import type { BubblewrapConfinement, Probe } from './probe.js';
import { countProcessesOf } from './process-tree.js';
import { checkWorkspace } from './workspace.js';

/** A path the owner declared for this process, bound at the same place inside. */
export interface DeclaredPath {
  path: string;
  write: boolean;
}

export interface ConfinedProcessSpec {
  /** The command and its arguments; a bare argv[0] is looked up on the PATH inside. */
  argv: string[];
  /** Writable, bound at the same path (the conversation's workspace, or the process's own home). */
  workspace: string;
  /** Writable, bound at the same path, and HOME inside: caches and state survive restarts. */
  home: string;
  paths: DeclaredPath[];
  /** The working directory; must be one of the visible places. Default: the workspace. */
  cwd?: string | undefined;
  /** The process's own variables (tokens, settings): passed off the command line, see fd3. */
  env: Record<string, string>;
  /** More directories for PATH inside, after the sandbox's own (each must be visible). */
  pathDirs?: string[] | undefined;
  /**
   * What the process may reach, through the kernel's egress proxy (its own network namespace has
   * nothing else, never the host's); null: no network at all.
   */
  network: EgressOptions | null;
  limits?: Partial<Limits> | undefined;
  /** The owner chose to run this process without the sandbox: limits and environment only. */
  unsandboxed?: boolean | undefined;
}

export interface ConfinedCommand {
  file: string;
  args: string[];
  /** The complete environment to spawn `file` with (never the app's own). */
  env: Record<string, string>;
  cwd: string;
  /**
   * NUL-separated options bubblewrap reads from fd 3 (`--args 3`): the process's own variables,
   * which on a command line would be readable by every local user through /proc. null when the
   * environment went into `env` directly (unsandboxed).
   */
  fd3: string | null;
  sandboxed: boolean;
  /** Frees what was set up for it: its egress proxy, once the process has ended. */
  release(): Promise<void>;
}

/**
 * A process that lives as long as its server: CPU time counts its whole life (RLIMIT_CPU is
 * cumulative), so it gets an hour rather than one tool call's 30 s. The memory limit is address
 * space (RLIMIT_AS), and V8 reserves far more of it than it uses: at a tool's 1 GiB a Node server
 * cannot grow its heap past about 60 MB, so servers get 4 GiB. Processes and file size as for
 * tools. No wall clock: each request to it has its own time limit instead.
 */
export const LONG_LIVED_LIMITS: Partial<Limits> = { cpuSeconds: 3600, memoryBytes: 4 * 1024 ** 3 };
/** The private /tmp lives in RAM, which RLIMIT_AS does not bound: capped apart from it. */
const TMP_BYTES = 1024 ** 3;

/**
 * The tool sandbox's command line with more mounts and options. Mounts go in before the root is
 * made read-only (their mount points are made then); `--chdir` is replaced, not repeated (bwrap
 * would warn on stderr, which the owner reads as the server's own words).
 */
export function withMounts(args: string[], mounts: string[], options: string[], cwd: string): string[] {
  const remount = args.indexOf('--remount-ro');
  const separator = args.indexOf('--');
  const chdir = args.indexOf('--chdir');
  if (remount < 0 || separator < remount || chdir < remount || chdir > separator) {
    throw new Error('unexpected bubblewrap command line');
  }
  const middle = args.slice(remount, separator);
  middle.splice(chdir - remount, 2, '--chdir', cwd);
  return [...args.slice(0, remount), ...mounts, ...middle, ...options, ...args.slice(separator)];
}

function nulJoined(options: string[]): string {
  return options.map((o) => `${o}\0`).join('');
}

async function real(path: string, what: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (err) {
    throw new Cell0Error('TOOL_FAILED', `${what} ${path} does not exist: create it first, or remove it`, {
      cause: err,
    });
  }
}

/**
 * A declared path is the owner's choice, with two exceptions: the whole disk (it would cover the
 * sandbox's own root), and a system folder made writable (the same refusal as for a workspace).
 */
function checkDeclared(declared: DeclaredPath): string {
  const { path } = declared;
  if (!isAbsolute(path))
    throw new Cell0Error('BAD_PARAMS', `a declared path must be absolute, not "${path}"`);
  const normal = resolve(path);
  if (normal === '/') {
    throw new Cell0Error(
      'BAD_PARAMS',
      'the whole disk (/) cannot be a declared path: declare the folders it needs',
    );
  }
  return declared.write ? checkWorkspace(normal) : normal;
}

/**
 * The visible places, as the sandbox shows them: `/usr` (read-only), the workspace, the home and
 * the declared paths. A working directory elsewhere could not be entered.
 */
function visible(spec: ConfinedProcessSpec, dir: string): boolean {
  const places = ['/usr', spec.workspace, spec.home, ...spec.paths.map((p) => p.path)].map((p) => resolve(p));
  const target = resolve(dir);
  return places.some((place) => target === place || target.startsWith(`${place}/`));
}

/** The command line of a confined long-lived process; see ConfinedProcessSpec. */
export interface ConfinedHost {
  /** The sandbox's own check of a writable place, every symlink followed; its real path. */
  realWorkspace(dir: string): Promise<string>;
  /** A new path for an egress proxy's socket, in a folder the sandbox user can reach. */
  egressSocketPath(): Promise<string>;
}

export async function confinedCommand(
  spec: ConfinedProcessSpec,
  probe: Probe,
  host: ConfinedHost,
): Promise<ConfinedCommand> {
  if (spec.argv.length === 0 || !spec.argv[0]) {
    throw new Cell0Error('BAD_PARAMS', 'nothing to run: the command is empty');
  }
  let limits: Limits;
  try {
    limits = resolveLimits({ ...DEFAULT_LIMITS, ...LONG_LIVED_LIMITS, ...spec.limits });
  } catch (err) {
    throw new Cell0Error('BAD_PARAMS', (err as Error).message);
  }
  const workspace = checkWorkspace(spec.workspace);
  const home = checkWorkspace(spec.home);
  const cwd = spec.cwd ?? workspace;
  const release = async () => undefined;
  const { realWorkspace } = host;

  if (spec.unsandboxed) {
    const env: Record<string, string> = { ...sandboxEnv(workspace, false), HOME: home, ...spec.env };
    if (spec.pathDirs?.length) env.PATH = [...spec.pathDirs, SANDBOX_PATH].join(':');
    if (probe.prlimitPath) {
      const processes = processAllowance(limits.processes, await countProcessesOf(process.getuid?.() ?? 0));
      const [, ...prlimitRest] = prlimitArgs(limits, processes);
      return {
        file: probe.prlimitPath,
        args: [...prlimitRest, ...spec.argv],
        env,
        cwd,
        fd3: null,
        sandboxed: false,
        release,
      };
    }
    const [file, ...args] = spec.argv;
    return { file: file!, args, env, cwd, fd3: null, sandboxed: false, release };
  }

  const { confinement } = probe;
  if (!probe.status.available || confinement.kind !== 'bubblewrap') {
    throw new Cell0Error(
      'SANDBOX_UNAVAILABLE',
      confinement.kind === 'sandbox-exec'
        ? 'Long-lived confined servers need bubblewrap (Linux); on this Mac run the server unconfined for now.'
        : `${probe.status.detail}. Install bubblewrap, or run this server unconfined (your choice, shown as such).`,
    );
  }
  if (!visible(spec, cwd)) {
    throw new Cell0Error(
      'BAD_PARAMS',
      `the working directory ${cwd} is not visible inside the sandbox: choose the workspace or a declared path`,
    );
  }
  if (spec.network && !confinement.socatPath) {
    throw new Cell0Error(
      'SANDBOX_UNAVAILABLE',
      'This server was granted network, which a confined server reaches only through the kernel’s proxy, and that needs socat: install it (sudo apt install socat)',
    );
  }
  const egress = spec.network ? await EgressProxy.open(spec.network, await host.egressSocketPath()) : null;
  try {
    return await bubblewrapCommand(
      spec,
      confinement,
      limits,
      { workspace, home, cwd, realWorkspace },
      egress,
    );
  } catch (err) {
    await egress?.close();
    throw err;
  }
}

async function bubblewrapCommand(
  spec: ConfinedProcessSpec,
  confinement: BubblewrapConfinement,
  limits: Limits,
  places: { workspace: string; home: string; cwd: string; realWorkspace: ConfinedHost['realWorkspace'] },
  egress: EgressProxy | null,
): Promise<ConfinedCommand> {
  const { workspace, home, cwd, realWorkspace } = places;
  // socat, started first inside, relays the sandbox's 127.0.0.1:3128 to the proxy's socket.
  const argv = egress ? relayArgv(confinement.socatPath!, spec.argv) : spec.argv;

  const { account } = confinement;
  const processes = confinement.perNamespaceNproc
    ? limits.processes
    : processAllowance(limits.processes, await countProcessesOf(account.uid));
  const base = bwrapArgs(
    { argv: [...prlimitArgs(limits, processes), ...argv], workspace, network: egress !== null },
    {
      passwdFile: confinement.passwdFile,
      groupFile: confinement.groupFile,
      rootEntries: confinement.rootEntries,
      workspaceSource: await realWorkspace(workspace),
      egressSocket: egress?.address ?? null,
      tmpBytes: Math.min(limits.memoryBytes, TMP_BYTES),
      shmBytes: Math.min(limits.memoryBytes, 64 * 1024 * 1024),
    },
  );
  const mounts: string[] = [];
  if (resolve(home) !== workspace) mounts.push('--bind', await realWorkspace(home), home);
  for (const declared of spec.paths) {
    const path = checkDeclared(declared);
    mounts.push(declared.write ? '--bind' : '--ro-bind', await real(path, 'the declared path'), path);
  }
  const pathVar = [SANDBOX_PATH, ...(spec.pathDirs ?? [])].join(':');
  const visibleOptions = ['--setenv', 'HOME', home, '--setenv', 'PATH', pathVar];
  const secret = Object.entries(spec.env).flatMap(([name, value]) => ['--setenv', name, value]);
  const args = withMounts(base, mounts, [...visibleOptions, '--args', '3'], cwd);
  // bwrap itself starts with the sandbox's environment: its init keeps it, readable as /proc/1/environ.
  const env = { ...sandboxEnv(workspace, false), HOME: home };
  const command: Omit<ConfinedCommand, 'file' | 'args'> = {
    env,
    cwd: '/',
    fd3: nulJoined(secret),
    sandboxed: true,
    release: async () => {
      await egress?.close();
    },
  };
  return confinement.setprivPath
    ? {
        ...command,
        file: confinement.setprivPath,
        args: [...dropPrivilegesArgs(account.uid, account.gid), confinement.bwrapPath, ...args],
      }
    : { ...command, file: confinement.bwrapPath, args };
}
