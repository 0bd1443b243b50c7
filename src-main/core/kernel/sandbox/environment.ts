/**
 * What a sandboxed command sees of the world besides its workspace: a fixed environment and a
 * minimal account database. Nothing here is derived from the app's own environment, so API
 * keys, tokens, DBUS_SESSION_BUS_ADDRESS and the like cannot reach a tool.
 */

export const SANDBOX_PATH = '/usr/local/bin:/usr/bin:/bin';
export const SANDBOX_HOSTNAME = 'cell0-sandbox';

/** The whole environment of a sandboxed command; the terminal type only when there is a terminal. */
export function sandboxEnv(workspace: string, tty: boolean): Record<string, string> {
  return {
    PATH: SANDBOX_PATH,
    HOME: workspace,
    LANG: 'C.UTF-8',
    ...(tty ? { TERM: 'xterm-256color' } : {}),
    TMPDIR: '/tmp',
    // Node's WebAssembly (undici's HTTP parser, so npm) reserves gigabytes of address space for
    // its bounds-check trap; under the sandbox's memory limit (RLIMIT_AS) that fails at start.
    NODE_OPTIONS: '--disable-wasm-trap-handler',
  };
}

export interface SandboxAccount {
  uid: number;
  gid: number;
}

/**
 * /etc/passwd inside the sandbox: root (owner of the read-only system) and the sandbox user only,
 * so the host's account list (names, home directories) is not disclosed.
 */
export function minimalPasswd(account: SandboxAccount): string {
  const lines = ['root:x:0:0:root:/root:/usr/sbin/nologin'];
  const name = account.uid === 65534 ? 'nobody' : 'cell0';
  if (account.uid !== 0) lines.push(`${name}:x:${account.uid}:${account.gid}:Cell 0 sandbox:/tmp:/bin/sh`);
  return `${lines.join('\n')}\n`;
}

export function minimalGroup(account: SandboxAccount): string {
  const lines = ['root:x:0:'];
  const name = account.gid === 65534 ? 'nogroup' : 'cell0';
  if (account.gid !== 0) lines.push(`${name}:x:${account.gid}:`);
  return `${lines.join('\n')}\n`;
}
