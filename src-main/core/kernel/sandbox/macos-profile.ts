/**
 * The macOS confinement: a deny-by-default Seatbelt profile for sandbox-exec. The profile text
 * is constant per (network, tty) but for the egress proxy's port; the paths enter as -D
 * parameters, so no path is ever spliced into the policy language.
 */
import type { RunSpec } from '../types.js';

export const SANDBOX_EXEC = '/usr/bin/sandbox-exec';

/** Read-only system locations a command needs to start and run (dyld cache, tools, Homebrew). */
const SYSTEM_READ = [
  '/usr',
  '/bin',
  '/sbin',
  '/System',
  '/Library/Apple',
  '/Library/Developer/CommandLineTools',
  '/Applications/Xcode.app',
  '/opt/homebrew',
  '/private/var/db/dyld',
  '/private/var/db/timezone',
];

const SYSTEM_READ_FILES = ['/private/etc/localtime', '/private/etc/protocols', '/private/etc/services'];

const NETWORK_READ_FILES = ['/private/etc/hosts', '/private/etc/ssl/cert.pem'];

function quote(path: string): string {
  return `"${path.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export interface MacosProfileOptions {
  /** The kernel's egress proxy on this machine's loopback: the one place a granted call may connect to. */
  proxyPort: number | null;
  tty: boolean;
}

export function macosProfile(options: MacosProfileOptions): string {
  const lines = [
    '(version 1)',
    '(deny default)',
    '',
    '; Processes: run programs and fork; signal and inspect only processes of this sandbox.',
    '(allow process-exec process-fork)',
    '(allow signal (target same-sandbox))',
    '(allow process-info* (target same-sandbox))',
    '(allow sysctl-read)',
    '',
    '; The system, read-only. Metadata (not content) anywhere, so getcwd and realpath work.',
    `(allow file-read* ${SYSTEM_READ.map((p) => `(subpath ${quote(p)})`).join(' ')})`,
    `(allow file-read* ${SYSTEM_READ_FILES.map((p) => `(literal ${quote(p)})`).join(' ')})`,
    '(allow file-read-metadata)',
    '',
    '; The workspace and a private temporary directory are the only writable places.',
    '(allow file-read* file-write* (subpath (param "WORKSPACE")) (subpath (param "TMPDIR")))',
    '',
    '; Devices every program expects.',
    '(allow file-read* file-write-data (literal "/dev/null") (literal "/dev/zero") (literal "/dev/dtracehelper"))',
    '(allow file-read* (literal "/dev/random") (literal "/dev/urandom"))',
  ];
  if (options.tty) {
    lines.push(
      '',
      '; The pseudo-terminal the shell tool streams (TIOCSTI is refused by macOS for a non-controlling',
      '; terminal, and the terminal here is the sandbox’s own).',
      '(allow file-read* file-write* file-ioctl (regex #"^/dev/ttys[0-9]+$") (literal "/dev/tty"))',
    );
  }
  if (options.proxyPort !== null) {
    const port = Math.trunc(options.proxyPort);
    lines.push(
      '',
      "; Network: only the kernel's egress proxy on loopback (it resolves names and checks each",
      '; address); no other host, no Unix socket of the host, no DNS of its own.',
      '(allow system-socket)',
      `(allow network-outbound (remote tcp "localhost:${port}"))`,
      '(allow mach-lookup (global-name "com.apple.trustd.agent"))',
      `(allow file-read* ${NETWORK_READ_FILES.map((p) => `(literal ${quote(p)})`).join(' ')})`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export interface SandboxExecPaths {
  /** Real paths (macOS resolves /tmp to /private/tmp before matching). */
  workspace: string;
  tmpDir: string;
}

/** sandbox-exec's arguments (after its own path); the command follows the options directly. */
export function sandboxExecArgs(
  spec: RunSpec,
  paths: SandboxExecPaths,
  command: string[],
  proxyPort: number | null = null,
): string[] {
  return [
    '-p',
    macosProfile({ proxyPort: spec.network ? proxyPort : null, tty: spec.tty === true }),
    '-D',
    `WORKSPACE=${paths.workspace}`,
    '-D',
    `TMPDIR=${paths.tmpDir}`,
    ...command,
  ];
}
