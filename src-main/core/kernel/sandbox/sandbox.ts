/**
 * The kernel's sandbox: runs one command confined (bubblewrap on Linux, sandbox-exec on macOS),
 * under CPU, memory, process, file-size, output and wall-clock limits, with a scrubbed environment.
 * It fails closed: where no confinement works, a run is refused unless the owner allowed that one
 * call to run unsandboxed.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cell0Error, isCell0Error } from '../../protocol/errors.js';
import type { SandboxStatus } from '../../protocol/kernel-entities.js';
import type { Logger } from '../../base/logger.js';
import type { Limits, RunOptions, RunResult, RunSpec } from '../types.js';
import { EgressProxy } from '../network/egress-proxy.js';
import { bwrapArgs, dropPrivilegesArgs } from './bwrap-args.js';
import { proxyEnv, relayArgv } from './egress-relay.js';
import { overlayLaunchArgs, overlayOptions, UNSHARE } from '../lab/overlay.js';
import { sandboxEnv } from './environment.js';
import { execute, type Launch, type RunningProcess } from './execute.js';
import { classifyLimit, prlimitArgs, processAllowance, resolveLimits, ulimitArgs } from './limits.js';
import { SANDBOX_EXEC, sandboxExecArgs } from './macos-profile.js';
import { createRuntimeDir, probeConfinement, type Confinement, type Probe } from './probe.js';
import { countProcessesOf } from './process-tree.js';
import { checkRealWorkspace, checkWorkspace, prepareWorkspace, type WorkspacePlaces } from './workspace.js';
import { confinedCommand, type ConfinedCommand, type ConfinedProcessSpec } from './confined-process.js';

export interface SandboxOptions {
  logger: Logger;
  /** The host uid (and gid) tools run as when the app runs as root; default nobody (65534). */
  sandboxUid?: number;
  bwrapPath?: string;
  platform?: NodeJS.Platform;
  /** Where generated files (the sandbox's /etc/passwd) live; default the OS temp directory. */
  tmpDir?: string;
  /**
   * Where workspaces may really be (after every symlink): the kernel's workspace root. Unset (the
   * `cell0 sandbox run` command), any folder but the system's may be one.
   */
  workspaceRoots?: readonly string[];
  /**
   * When the trial run that proves this machine can confine happens: 'first' (default) before the
   * first call; 'on-failure' only once a call has failed, for a one-shot process (`cell0 sandbox
   * run`) whose own confined call is proof enough when it succeeds. Either way nothing runs
   * unconfined: bwrap (and setpriv before it) set up every wall before they start the command, or
   * exit with an error; a failed call then gets the trial's verdict, SANDBOX_UNAVAILABLE if it fails.
   */
  trial?: 'first' | 'on-failure';
}

const MIB = 1024 * 1024;

/** A launch plus what to clean up after it. */
interface Prepared {
  launch: Launch;
  cleanup?: () => Promise<void>;
}

/** One call from run() to its result; registered at once so killAll() also stops calls still starting. */
interface Call {
  cancelled: boolean;
  process: RunningProcess | null;
  settled: Promise<unknown>;
}

export class Sandbox {
  private readonly logger: Logger;
  private readonly sandboxUid: number;
  private readonly bwrapPath: string;
  private readonly platform: NodeJS.Platform;
  private readonly tmpDir: string;
  private readonly workspaceRoots: readonly string[] | undefined;
  private readonly calls = new Set<Call>();
  /** Folders the owner chose as workspaces (checked by the kernel): allowed as they are, outside the roots. */
  private readonly chosen = new Set<string>();
  private probing: Promise<Probe> | null = null;
  private runtimeDir: Promise<string> | null = null;
  /** 'on-failure' until a call has shown (by succeeding, or by a trial after failing) that confining works. */
  private trialMode: 'first' | 'on-failure';

  constructor(options: SandboxOptions) {
    this.logger = options.logger;
    this.sandboxUid = options.sandboxUid ?? 65534;
    this.bwrapPath = options.bwrapPath ?? '/usr/bin/bwrap';
    this.platform = options.platform ?? process.platform;
    this.tmpDir = options.tmpDir ?? tmpdir();
    this.workspaceRoots = options.workspaceRoots;
    this.trialMode = options.trial ?? 'first';
  }

  async start(): Promise<void> {
    const status = await this.status();
    if (status.available) this.logger.info(`sandbox: ${status.detail}`);
    else this.logger.warn(`sandbox unavailable: ${status.detail}`);
  }

  async stop(): Promise<void> {
    this.killAll();
    await Promise.allSettled([...this.calls].map((call) => call.settled));
    const dir = this.runtimeDir;
    this.runtimeDir = null;
    this.probing = null;
    if (dir) await rm(await dir, { recursive: true, force: true });
  }

  /** How tools are confined here; probed once (a trial run), then cached. */
  async status(): Promise<SandboxStatus> {
    return (await this.probe()).status;
  }

  /** Creates a workspace (0700) the sandbox can write to; as root, hands it to the sandbox uid. */
  async prepareWorkspace(dir: string): Promise<void> {
    await prepareWorkspace(
      dir,
      this.asRoot() ? { uid: this.sandboxUid, gid: this.sandboxUid } : null,
      this.logger,
      await this.places(),
    );
  }

  /** A folder the owner chose as a conversation's workspace (its real path, already checked). */
  allowWorkspace(realDir: string): void {
    this.chosen.add(realDir);
  }

  /** Who tools run as on this machine: the sandbox uid as root, else the app's own user. */
  account(): { uid: number; gid: number } {
    if (this.asRoot()) return { uid: this.sandboxUid, gid: this.sandboxUid };
    return { uid: process.getuid?.() ?? 65534, gid: process.getgid?.() ?? 65534 };
  }

  /** Kills every call running or still starting (stop all agents); returns how many there were. */
  killAll(): number {
    for (const call of this.calls) {
      call.cancelled = true;
      call.process?.stop('abort');
    }
    return this.calls.size;
  }

  /** The command line of a long-lived confined process (an MCP server); see confined-process.ts. */
  async confinedCommand(spec: ConfinedProcessSpec): Promise<ConfinedCommand> {
    return confinedCommand(spec, await this.probe(), {
      realWorkspace: (dir) => this.realWorkspace(dir),
      egressSocketPath: async () =>
        join(await this.runtime(), `egress-${randomBytes(6).toString('hex')}.sock`),
    });
  }

  async run(spec: RunSpec, options: RunOptions = {}): Promise<RunResult> {
    if (spec.argv.length === 0 || !spec.argv[0])
      throw new Cell0Error('BAD_PARAMS', 'nothing to run: the command is empty');
    let limits: Limits;
    try {
      limits = resolveLimits(spec.limits);
    } catch (err) {
      throw new Cell0Error('BAD_PARAMS', (err as Error).message);
    }
    const workspace = checkWorkspace(spec.workspace);
    const call: Call = { cancelled: false, process: null, settled: Promise.resolve() };
    const result = this.confined({ ...spec, workspace }, limits, options, call);
    call.settled = result.catch(() => undefined);
    this.calls.add(call);
    try {
      return await result;
    } finally {
      this.calls.delete(call);
    }
  }

  private async confined(spec: RunSpec, limits: Limits, options: RunOptions, call: Call): Promise<RunResult> {
    const probe = await this.probe();
    if (!probe.status.available && !spec.unsandboxed) {
      throw new Cell0Error(
        'SANDBOX_UNAVAILABLE',
        `${probe.status.detail}. Allow this one call to run unsandboxed from its permission card, or install bubblewrap`,
      );
    }
    const confinement = spec.unsandboxed ? null : probe.confinement;
    if (spec.overlay && confinement?.kind !== 'bubblewrap') {
      throw new Cell0Error('LAB_UNAVAILABLE', 'a lab overlay needs the bubblewrap sandbox (Linux)');
    }
    const prepared = await this.prepare(spec, limits, confinement, probe);
    const result = await this.execute(prepared, spec, limits, options, call);
    if (confinement && this.trialMode === 'on-failure') {
      // The trial was left out: a clean exit proves confining works; anything else gets the trial.
      this.trialMode = 'first';
      if (result.exitCode !== 0 && !call.cancelled) {
        this.probing = null;
        const tried = await this.probe();
        if (!tried.status.available) throw new Cell0Error('SANDBOX_UNAVAILABLE', tried.status.detail);
      }
    }
    return { ...result, sandboxed: confinement !== null };
  }

  private async execute(
    prepared: Prepared,
    spec: RunSpec,
    limits: Limits,
    options: RunOptions,
    call: Call,
  ): Promise<Omit<RunResult, 'sandboxed'>> {
    if (call.cancelled) {
      // Stopped (killAll) before it started: nothing ran.
      await prepared.cleanup?.();
      return { exitCode: null, signal: 'SIGKILL', output: '', truncated: false, limit: null, durationMs: 0 };
    }
    const proc = execute(prepared.launch, {
      tty: spec.tty === true,
      ...(spec.stdin !== undefined ? { stdin: spec.stdin } : {}),
      wallClockMs: limits.wallClockMs,
      outputBytes: limits.outputBytes,
      ...(options.onOutput ? { onOutput: options.onOutput } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    call.process = proc;
    try {
      const ending = await proc.done;
      return {
        exitCode: ending.exitCode,
        signal: ending.signal,
        output: ending.output,
        truncated: ending.truncated,
        limit: classifyLimit({ ...ending, limits }),
        durationMs: Math.round(ending.durationMs),
      };
    } finally {
      await prepared.cleanup?.().catch((err: unknown) => this.logger.warn('sandbox: cleanup failed', err));
    }
  }

  /** The command line for one run: confined by `confinement`, or bare (still limited) when null. */
  private async prepare(
    spec: RunSpec,
    limits: Limits,
    confinement: Confinement | null,
    probe: Probe,
  ): Promise<Prepared> {
    const env = sandboxEnv(spec.workspace, spec.tty === true);
    if (confinement?.kind === 'bubblewrap') {
      const { account } = confinement;
      const processes = confinement.perNamespaceNproc
        ? limits.processes
        : processAllowance(limits.processes, await countProcessesOf(account.uid));
      let argv = spec.argv;
      let egress: EgressProxy | null = null;
      if (spec.network) {
        if (!confinement.socatPath) {
          throw new Cell0Error(
            'SANDBOX_UNAVAILABLE',
            'This call was granted network, but the sandbox reaches it only through the kernel’s proxy, which needs socat: install it (sudo apt install socat)',
          );
        }
        egress = await this.openEgress(
          spec,
          join(await this.runtime(), `egress-${randomBytes(6).toString('hex')}.sock`),
        );
        argv = relayArgv(confinement.socatPath, argv);
      }
      const args = bwrapArgs(
        { ...spec, argv: [...prlimitArgs(limits, processes), ...argv] },
        {
          passwdFile: confinement.passwdFile,
          groupFile: confinement.groupFile,
          rootEntries: confinement.rootEntries,
          // A lab run binds the overlay's merged view there instead (mounted just before bwrap starts).
          workspaceSource: spec.overlay ? spec.overlay.merged : await this.realWorkspace(spec.workspace),
          egressSocket: egress?.address ?? null,
          tmpBytes: Math.min(limits.memoryBytes, 1024 * MIB),
          shmBytes: Math.min(limits.memoryBytes, 64 * MIB),
        },
      );
      // bwrap itself starts with the sandbox's environment too: its init (pid 1 inside) keeps the
      // environment bwrap was started with, readable as /proc/1/environ.
      let launch: Launch = confinement.setprivPath
        ? {
            file: confinement.setprivPath,
            args: [...dropPrivilegesArgs(account.uid, account.gid), confinement.bwrapPath, ...args],
            env,
            cwd: '/',
          }
        : { file: confinement.bwrapPath, args, env, cwd: '/' };
      if (spec.overlay) {
        // The live path must still be a proper workspace, though only its overlay is bound.
        await this.realWorkspace(spec.workspace);
        launch = {
          file: UNSHARE,
          args: overlayLaunchArgs(overlayOptions(spec.overlay), spec.overlay.merged, this.asRoot(), [
            launch.file,
            ...launch.args,
          ]),
          env,
          cwd: '/',
        };
      }
      return egress ? { launch, cleanup: () => egress.close() } : { launch };
    }
    if (confinement?.kind === 'sandbox-exec') {
      const tmpDir = await realpath(await mkdtemp(join(tmpdir(), 'cell0-run-')));
      // No Unix socket here: the profile lets the command reach the proxy's loopback port only.
      const egress = spec.network ? await this.openEgress(spec, null) : null;
      const proxyPort = egress ? Number(egress.address.split(':').pop()) : null;
      const args = sandboxExecArgs(
        spec,
        { workspace: await this.realWorkspace(spec.workspace), tmpDir },
        [...ulimitArgs(limits), ...spec.argv],
        proxyPort,
      );
      return {
        launch: {
          file: SANDBOX_EXEC,
          args,
          env: { ...env, TMPDIR: tmpDir, ...(proxyPort !== null ? proxyEnv(proxyPort) : {}) },
          cwd: spec.workspace,
        },
        cleanup: async () => {
          await egress?.close();
          await rm(tmpDir, { recursive: true, force: true });
        },
      };
    }
    // Unsandboxed, by the owner's decision for this one call: same environment and limits, no walls.
    if (probe.prlimitPath) {
      const uid = process.getuid?.() ?? 0;
      const processes = processAllowance(limits.processes, await countProcessesOf(uid));
      const [, ...prlimitRest] = prlimitArgs(limits, processes);
      return {
        launch: { file: probe.prlimitPath, args: [...prlimitRest, ...spec.argv], env, cwd: spec.workspace },
      };
    }
    if (this.platform === 'darwin' || this.platform === 'linux') {
      const [shell, ...rest] = ulimitArgs(limits);
      return { launch: { file: shell!, args: [...rest, ...spec.argv], env, cwd: spec.workspace } };
    }
    const [file, ...args] = spec.argv;
    return { launch: { file: file!, args, env, cwd: spec.workspace } };
  }

  /** The workspace's real path, the one bound writable: checked again there, every symlink followed. */
  /** The egress proxy for one run granted network: the only way out of its network namespace. */
  private openEgress(spec: RunSpec, socketPath: string | null): Promise<EgressProxy> {
    if (!spec.egress) {
      throw new Cell0Error(
        'BAD_PARAMS',
        'a run granted network must say what it may reach (its egress rules)',
      );
    }
    return EgressProxy.open(spec.egress, socketPath);
  }

  private runtime(): Promise<string> {
    this.runtimeDir ??= createRuntimeDir(this.tmpDir);
    return this.runtimeDir;
  }

  private async realWorkspace(workspace: string): Promise<string> {
    try {
      return await checkRealWorkspace(workspace, await this.places());
    } catch (err) {
      if (isCell0Error(err)) throw err;
      throw new Cell0Error('TOOL_FAILED', `the workspace ${workspace} does not exist: create it first`, {
        cause: err,
      });
    }
  }

  /** The kernel's workspace root, and this sandbox's own runtime folder (the probe's workspace). */
  private async places(): Promise<WorkspacePlaces> {
    if (!this.workspaceRoots) return {};
    return {
      roots: [...this.workspaceRoots, ...(this.runtimeDir ? [await this.runtimeDir] : [])],
      exact: [...this.chosen],
    };
  }

  /** Tools run as another uid than the app's (the app runs as root). */
  asRoot(): boolean {
    return this.platform !== 'win32' && process.getuid?.() === 0;
  }

  private probe(): Promise<Probe> {
    // Whatever goes wrong while checking counts as "no sandbox", so runs fail closed.
    this.probing ??= this.runProbe().catch((err: unknown): Probe => ({
      status: { kind: 'none', available: false, detail: `could not check the sandbox: ${String(err)}` },
      confinement: { kind: 'none' },
      prlimitPath: null,
    }));
    return this.probing;
  }

  private async runProbe(): Promise<Probe> {
    const runtimeDir = await this.runtime();
    const probeWorkspace = join(runtimeDir, 'probe');
    return probeConfinement({
      platform: this.platform,
      bwrapPath: this.bwrapPath,
      sandboxUid: this.sandboxUid,
      runtimeDir,
      logger: this.logger,
      trial:
        this.trialMode === 'on-failure'
          ? null
          : async (confinement) => {
              await mkdir(probeWorkspace, { recursive: true });
              await this.prepareWorkspace(probeWorkspace);
              const spec: RunSpec = { argv: ['true'], workspace: probeWorkspace, network: false };
              const limits = resolveLimits({ wallClockMs: 10_000, outputBytes: 16 * 1024 });
              const prepared = await this.prepare(spec, limits, confinement, {
                status: { kind: 'none', available: false, detail: '' },
                confinement,
                prlimitPath: null,
              });
              try {
                const call: Call = { cancelled: false, process: null, settled: Promise.resolve() };
                const result = await this.execute(prepared, spec, limits, {}, call);
                return { ok: result.exitCode === 0, output: result.output };
              } catch (err) {
                return { ok: false, output: err instanceof Error ? err.message : String(err) };
              }
            },
    });
  }
}
