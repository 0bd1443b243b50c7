/**
 * The bubblewrap command line for one confined run, as a pure function of the call and of what
 * the host looks like, so every flag that keeps a tool in its box is unit-tested as text.
 */
import type { RunSpec } from '../types.js';
import { SANDBOX_HOSTNAME, sandboxEnv } from './environment.js';
import { checkWorkspace } from './workspace.js';

/** A top-level entry of the host root next to /usr: Debian's merged-usr makes them symlinks. */
export interface RootEntry {
  /** Absolute path, e.g. "/bin". */
  path: string;
  /** The symlink's target (e.g. "usr/bin"), or null when the host has a real directory there. */
  symlink: string | null;
}

export interface BwrapHost {
  /** Generated account files (see environment.ts), bound over /etc/passwd and /etc/group. */
  passwdFile: string;
  groupFile: string;
  rootEntries: RootEntry[];
  /**
   * The workspace's real path on the host (checkRealWorkspace: every symlink followed, never a
   * system folder); bound writable at spec.workspace, the one writable bind.
   */
  workspaceSource: string;
  /** Size caps of the private tmpfs mounts: they live in RAM, which RLIMIT_AS does not bound. */
  tmpBytes: number;
  shmBytes: number;
}

/** Read-only /etc files any program may need; none of them names a host user or holds a secret. */
const ETC_BASE = ['/etc/ld.so.cache', '/etc/alternatives', '/etc/localtime'];

/** Added only with network: name resolution and TLS trust. */
const ETC_NETWORK = [
  '/etc/resolv.conf',
  '/etc/hosts',
  '/etc/nsswitch.conf',
  '/etc/host.conf',
  '/etc/gai.conf',
  '/etc/ssl/certs',
  '/etc/ssl/openssl.cnf',
  '/etc/ca-certificates',
];

/** Where root entries of the host such as /bin, /lib, /lib64, /sbin usually point on merged-usr systems. */
export const MERGED_USR_ENTRIES: RootEntry[] = [
  { path: '/bin', symlink: 'usr/bin' },
  { path: '/lib', symlink: 'usr/lib' },
  { path: '/lib64', symlink: 'usr/lib64' },
  { path: '/sbin', symlink: 'usr/sbin' },
];

export function bwrapArgs(spec: RunSpec, host: BwrapHost): string[] {
  // Checked where it is resolved too; here so no caller can bind a system folder writable by mistake.
  checkWorkspace(host.workspaceSource);
  checkWorkspace(spec.workspace);
  const tty = spec.tty === true;
  const args: string[] = [
    // Every namespace, and the user namespace explicitly: --disable-userns needs it, and it is
    // what lets an unprivileged bwrap run at all.
    '--unshare-all',
    ...(spec.network ? ['--share-net'] : []),
    '--unshare-user',
    // No nested user namespaces: they would hand the tool a fresh set of capabilities to probe
    // the kernel with (unshare -r, a nested bwrap).
    '--disable-userns',
    // The tree dies with us: a killed or crashed app leaves no tool running.
    '--die-with-parent',
    // A new session has no controlling terminal, so TIOCSTI cannot push keystrokes into ours.
    '--new-session',
    '--cap-drop',
    'ALL',
    '--hostname',
    SANDBOX_HOSTNAME,
    '--ro-bind',
    '/usr',
    '/usr',
  ];
  for (const entry of host.rootEntries) {
    if (entry.symlink !== null) args.push('--symlink', entry.symlink, entry.path);
    else args.push('--ro-bind', entry.path, entry.path);
  }
  args.push('--ro-bind', host.passwdFile, '/etc/passwd', '--ro-bind', host.groupFile, '/etc/group');
  for (const path of [...ETC_BASE, ...(spec.network ? ETC_NETWORK : [])]) {
    args.push('--ro-bind-try', path, path);
  }
  args.push(
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    String(host.shmBytes),
    '--tmpfs',
    '/dev/shm',
    '--size',
    String(host.tmpBytes),
    '--tmpfs',
    '/tmp',
    '--bind',
    host.workspaceSource,
    spec.workspace,
    // The root and /dev are bwrap's own tmpfs: read-only so the only writable places are the
    // workspace and the size-capped /tmp and /dev/shm.
    '--remount-ro',
    '/dev',
    '--remount-ro',
    '/',
    '--chdir',
    spec.workspace,
    '--clearenv',
  );
  for (const [name, value] of Object.entries(sandboxEnv(spec.workspace, tty))) {
    args.push('--setenv', name, value);
  }
  args.push('--', ...spec.argv);
  return args;
}

/**
 * As root, bwrap is started as the sandbox user with no capabilities at all, so inside it is an
 * ordinary unprivileged user of the host (root in a user namespace mapped to host root could
 * still read root's 0600 files through anything bound in).
 */
export function dropPrivilegesArgs(uid: number, gid: number): string[] {
  return [
    `--reuid=${uid}`,
    `--regid=${gid}`,
    '--clear-groups',
    '--inh-caps=-all',
    '--bounding-set=-all',
    // setuid programs (su, sudo, mount) can never raise privileges again from here on.
    '--no-new-privs',
  ];
}
