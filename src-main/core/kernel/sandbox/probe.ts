/**
 * Finding out, once, how this machine can confine a tool: which confinement exists, whether a
 * trial run works, and the host facts the command lines are built from.
 */
import { execFile } from 'node:child_process';
import {
  access,
  chmod,
  constants as fsConstants,
  lstat,
  mkdtemp,
  readlink,
  writeFile,
} from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import type { SandboxStatus } from '../../protocol/kernel-entities.js';
import type { Logger } from '../../base/logger.js';
import type { RootEntry } from './bwrap-args.js';
import { minimalGroup, minimalPasswd, type SandboxAccount } from './environment.js';
import { SANDBOX_EXEC } from './macos-profile.js';
import { nprocCountsPerNamespace } from './limits.js';

export const BWRAP_MISSING =
  'bubblewrap is not installed: install the "bubblewrap" package to let Cell 0 run tools (sudo apt install bubblewrap)';

export interface BubblewrapConfinement {
  kind: 'bubblewrap';
  bwrapPath: string;
  /** setpriv, when the app runs as root and bwrap must start as the sandbox uid. */
  setprivPath: string | null;
  account: SandboxAccount;
  passwdFile: string;
  groupFile: string;
  rootEntries: RootEntry[];
  perNamespaceNproc: boolean;
  /** socat under /usr (visible inside), which relays a granted call to the egress proxy; null without it. */
  socatPath: string | null;
}

export interface SandboxExecConfinement {
  kind: 'sandbox-exec';
}

export type Confinement = BubblewrapConfinement | SandboxExecConfinement | { kind: 'none' };

export interface Probe {
  status: SandboxStatus;
  confinement: Confinement;
  /** prlimit on the host, for runs without the sandbox (Linux). */
  prlimitPath: string | null;
}

export interface ProbeOptions {
  platform: NodeJS.Platform;
  bwrapPath: string;
  sandboxUid: number;
  /** A private directory (0755) for generated files; removed by the owner of the Sandbox. */
  runtimeDir: string;
  logger: Logger;
  /**
   * Runs the real confined `true`: the proof that this machine can confine at all; null leaves it
   * (and the version query) out, for a caller whose own first call is the proof (Sandbox's trial: 'on-failure').
   */
  trial: ((confinement: Confinement) => Promise<{ ok: boolean; output: string }>) | null;
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function firstExecutable(paths: string[]): Promise<string | null> {
  for (const path of paths) if (await executable(path)) return path;
  return null;
}

/** /bin, /lib, … as the host has them next to /usr (symlinks on merged-usr Debian). */
export async function hostRootEntries(): Promise<RootEntry[]> {
  const entries: RootEntry[] = [];
  for (const path of ['/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32']) {
    try {
      const info = await lstat(path);
      if (info.isSymbolicLink()) entries.push({ path, symlink: await readlink(path) });
      else if (info.isDirectory()) entries.push({ path, symlink: null });
    } catch {
      // Not on this host.
    }
  }
  return entries;
}

function bwrapVersion(bwrapPath: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(bwrapPath, ['--version'], { env: {}, timeout: 5000 }, (err, stdout) =>
      resolve(err ? 'bubblewrap' : stdout.trim()),
    );
  });
}

const unavailable = (detail: string, prlimitPath: string | null = null): Probe => ({
  status: { kind: 'none', available: false, detail },
  confinement: { kind: 'none' },
  prlimitPath,
});

async function probeLinux(options: ProbeOptions): Promise<Probe> {
  const prlimitPath = await firstExecutable(['/usr/bin/prlimit', '/bin/prlimit']);
  if (!(await executable(options.bwrapPath))) return unavailable(BWRAP_MISSING, prlimitPath);
  // Inside the sandbox only /usr is visible: prlimit must live there.
  if (!(await firstExecutable(['/usr/local/bin/prlimit', '/usr/bin/prlimit']))) {
    return unavailable(
      'prlimit (util-linux) is missing from /usr/bin: Cell 0 cannot limit tools without it (sudo apt install util-linux)',
      prlimitPath,
    );
  }
  const isRoot = process.getuid?.() === 0;
  let setprivPath: string | null = null;
  if (isRoot) {
    setprivPath = await firstExecutable(['/usr/bin/setpriv', '/bin/setpriv']);
    if (!setprivPath) {
      return unavailable(
        'setpriv (util-linux) is missing: Cell 0 runs as root and needs it to run tools as an unprivileged user (sudo apt install util-linux)',
        prlimitPath,
      );
    }
  }
  const account: SandboxAccount = isRoot
    ? { uid: options.sandboxUid, gid: options.sandboxUid }
    : { uid: process.getuid?.() ?? 65534, gid: process.getgid?.() ?? 65534 };
  const passwdFile = join(options.runtimeDir, 'passwd');
  const groupFile = join(options.runtimeDir, 'group');
  await writeFile(passwdFile, minimalPasswd(account), { mode: 0o644 });
  await writeFile(groupFile, minimalGroup(account), { mode: 0o644 });
  const confinement: BubblewrapConfinement = {
    kind: 'bubblewrap',
    bwrapPath: options.bwrapPath,
    setprivPath,
    account,
    passwdFile,
    groupFile,
    rootEntries: await hostRootEntries(),
    perNamespaceNproc: nprocCountsPerNamespace(release()),
    socatPath: await firstExecutable(['/usr/bin/socat', '/usr/local/bin/socat']),
  };
  // The version only names the sandbox in the status: asked for while the trial runs.
  const version = options.trial ? bwrapVersion(options.bwrapPath) : Promise.resolve('bubblewrap');
  const trial = options.trial ? await options.trial(confinement) : { ok: true, output: '' };
  if (!trial.ok) {
    options.logger.warn('sandbox: bubblewrap trial run failed', trial.output.trim());
    return unavailable(
      `bubblewrap is installed but cannot create a sandbox here (${trial.output.trim() || 'no output'}): ` +
        'unprivileged user namespaces may be disabled — enable them (sysctl kernel.unprivileged_userns_clone=1, ' +
        'or on Ubuntu 24.04+ an AppArmor profile that allows bwrap to use them)',
      prlimitPath,
    );
  }
  return {
    status: {
      kind: 'bubblewrap',
      available: true,
      detail:
        `${await version}: tools run as uid ${account.uid} in private namespaces, ` +
        'see only /usr and their workspace, and have no network of their own: a call granted network ' +
        (confinement.socatPath
          ? 'reaches only the hosts it was granted, through the kernel’s proxy'
          : 'cannot run until socat is installed (sudo apt install socat)'),
    },
    confinement,
    prlimitPath,
  };
}

async function probeMacos(options: ProbeOptions): Promise<Probe> {
  if (!(await executable(SANDBOX_EXEC))) {
    return unavailable(`${SANDBOX_EXEC} is missing: Cell 0 cannot confine tools on this Mac`);
  }
  const confinement: SandboxExecConfinement = { kind: 'sandbox-exec' };
  const trial = options.trial ? await options.trial(confinement) : { ok: true, output: '' };
  if (!trial.ok) {
    return unavailable(
      `sandbox-exec could not confine a trial command (${trial.output.trim() || 'no output'})`,
    );
  }
  return {
    status: {
      kind: 'sandbox-exec',
      available: true,
      detail:
        'sandbox-exec with a deny-by-default profile: tools read the system, write only their workspace, ' +
        'and reach the network only when a call is granted it',
    },
    confinement,
    prlimitPath: null,
  };
}

export async function probeConfinement(options: ProbeOptions): Promise<Probe> {
  if (options.platform === 'linux') return probeLinux(options);
  if (options.platform === 'darwin') return probeMacos(options);
  return unavailable(
    `Cell 0 has no tool sandbox for ${options.platform} yet: a tool can run only when you allow that one call ` +
      'to run unsandboxed from its permission card',
  );
}

/** A private directory for generated files, readable (not writable) by the sandbox uid. */
export async function createRuntimeDir(parent: string): Promise<string> {
  const dir = await mkdtemp(join(parent, 'cell0-sandbox-'));
  await chmod(dir, 0o755);
  return dir;
}
