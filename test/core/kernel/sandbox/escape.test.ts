/**
 * Escape tests: each tries one way out of the sandbox for real (bubblewrap on this machine), and
 * checks three things — the action is blocked, the host is unchanged (looked at from the host
 * side), and the RunResult says what happened (a limit, or a failing exit with the error).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../../../../src-main/core/kernel/sandbox/sandbox.js';
import type { RunResult, RunSpec } from '../../../../src-main/core/kernel/types.js';
import type { EgressAttempt, EgressOptions } from '../../../../src-main/core/kernel/network/egress-proxy.js';
import { parseHostPattern } from '../../../../src-main/core/kernel/network/host-patterns.js';
import { isCell0Error } from '../../../../src-main/core/protocol/errors.js';
import { silentLogger } from '../../../../src-main/core/base/logger.js';
import {
  createBait,
  hostCanFork,
  HOST_FILE_TEXT,
  liveProcesses,
  SECRET_TEXT,
  SSH_KEY_TEXT,
  startTcpServer,
  startUnixServer,
  type Bait,
} from '../../../fixtures/sandbox/host-bait.js';

const CANARY = 'cell0-canary-7f3a9e';
const asRoot = process.getuid?.() === 0;

let sandbox: Sandbox;
let bait: Bait;

beforeAll(async () => {
  process.env.CELL0_CANARY_SECRET = CANARY;
  sandbox = new Sandbox({ logger: silentLogger });
  const status = await sandbox.status();
  // These tests are about bubblewrap: without it every case would pass for the wrong reason.
  expect(status, status.detail).toMatchObject({ kind: 'bubblewrap', available: true });
  bait = await createBait((dir) => sandbox.prepareWorkspace(dir));
});

afterAll(async () => {
  delete process.env.CELL0_CANARY_SECRET;
  await sandbox.stop();
  await bait.cleanup();
});

async function run(argv: string[], extra: Partial<RunSpec> = {}): Promise<RunResult & { workspace: string }> {
  const workspace = extra.workspace ?? (await bait.newWorkspace());
  const result = await sandbox.run({
    argv,
    network: false,
    ...extra,
    workspace,
    limits: { wallClockMs: 10_000, ...extra.limits },
  });
  return { ...result, workspace };
}

const sh = (script: string, extra: Partial<RunSpec> = {}) => run(['sh', '-c', script], extra);

/** The attempt failed and the result says so. */
function expectBlocked(result: RunResult, error: RegExp): void {
  expect(result.sandboxed).toBe(true);
  expect(result.exitCode, result.output).not.toBe(0);
  expect(result.output).toMatch(error);
}

async function expectHostFileIntact(): Promise<void> {
  expect(await readFile(bait.hostFile, 'utf8')).toBe(HOST_FILE_TEXT);
  expect((await stat(bait.hostFile)).nlink).toBe(1);
}

const NOT_THERE = /No such file or directory|can't (open|cd|create)|cannot access/;
const READ_ONLY = /Read-only file system|Permission denied/;

describe('reading host secrets', () => {
  it('cannot read a 0600 root-owned file outside the workspace by its absolute path', async () => {
    const result = await run(['cat', bait.secret]);
    expectBlocked(result, NOT_THERE);
    expect(result.output).not.toContain(SECRET_TEXT);
    const info = await stat(bait.secret);
    expect(info.mode & 0o777).toBe(0o600);
    expect(await readFile(bait.secret, 'utf8')).toBe(`${SECRET_TEXT}\n`);
  });

  it('cannot read a 0600 root-owned file inside its own workspace: the tool is not root on the host', async () => {
    const workspace = await bait.newWorkspace();
    const inside = join(workspace, 'root-only');
    await writeFile(inside, `${SECRET_TEXT}\n`, { mode: 0o600 });
    const result = await run(['cat', inside], { workspace });
    if (asRoot) {
      expectBlocked(result, /Permission denied/);
      expect(result.output).not.toContain(SECRET_TEXT);
    } else {
      // Not root: the tool runs as the user, who owns this file — nothing to escalate from.
      expect(result.exitCode).toBe(0);
    }
    expect(await readFile(inside, 'utf8')).toBe(`${SECRET_TEXT}\n`);
  });

  it("cannot see a user's ~/.ssh keys, nor /root", async () => {
    const result = await sh(
      `cat ${bait.sshKey}; ls -a ${bait.fakeHome}/.ssh; ls -a /root; ls -a ~/.ssh; exit 1`,
    );
    expectBlocked(result, NOT_THERE);
    expect(result.output).not.toContain(SSH_KEY_TEXT);
    expect(result.output).not.toMatch(/^id_ed25519$/m); // no directory listing came back
    expect(await readFile(bait.sshKey, 'utf8')).toBe(`${SSH_KEY_TEXT}\n`);
  });

  it('cannot read /etc/shadow', async () => {
    const result = await run(['cat', '/etc/shadow']);
    expectBlocked(result, NOT_THERE);
    expect(existsSync('/etc/shadow')).toBe(true);
  });

  it("sees none of the app's environment: not in env, /proc/1/environ or any /proc/*/environ", async () => {
    expect(process.env.CELL0_CANARY_SECRET).toBe(CANARY);
    const result = await sh(
      'env; echo; cat /proc/1/environ /proc/$PPID/environ /proc/[0-9]*/environ | tr "\\0" "\\n"; ' +
        'echo "[$CELL0_CANARY_SECRET]"; test -z "$CELL0_CANARY_SECRET" && exit 3',
    );
    expect(result.exitCode).toBe(3);
    expect(result.output).toContain('[]');
    expect(result.output).toContain('PATH=/usr/local/bin:/usr/bin:/bin');
    expect(result.output).not.toContain(CANARY);
    expect(result.output).not.toMatch(/DBUS_SESSION_BUS_ADDRESS|API_KEY|TOKEN=|CELL0_HOME/);
  });

  it('has no /sys, /run, /home or host Unix socket directories', async () => {
    const result = await sh(
      'for p in /sys /run /home /root /var/lib /var/run /tmp/.X11-unix /run/dbus /var/run/docker.sock /run/user; do ' +
        `ls -d "$p" && echo "VISIBLE $p"; done; echo "next to the workspace: $(ls -A ${bait.base})"; exit 1`,
    );
    expectBlocked(result, NOT_THERE);
    expect(result.output).not.toContain('VISIBLE');
    // The workspace's parents exist inside only as empty mount points.
    expect(result.output).toMatch(/^next to the workspace: ws-\d+$/m);
    expect(existsSync('/sys/kernel')).toBe(true);
  });

  it("reads the sandbox's minimal /etc/passwd through a symlink, not the host's", async () => {
    const result = await sh('ln -s /etc/passwd p && cat p && grep -c . p && exit 4');
    expect(result.exitCode).toBe(4);
    expect(result.output).toMatch(/^root:x:0:0:/m);
    const host = await readFile('/etc/passwd', 'utf8');
    const hostOnly = host.split('\n').find((line) => line.startsWith('daemon:') || line.startsWith('bin:'));
    expect(hostOnly).toBeDefined();
    expect(result.output).not.toContain(hostOnly!);
    expect(result.output).toMatch(/^2$/m);
  });
});

describe('writing outside the workspace', () => {
  it('cannot overwrite a host file by its absolute path', async () => {
    const result = await sh(`echo pwned > ${bait.hostFile}`);
    expectBlocked(result, READ_ONLY);
    await expectHostFileIntact();
  });

  it('cannot climb out of the workspace with ..', async () => {
    const result = await sh('echo pwned > ../host.txt');
    expectBlocked(result, READ_ONLY);
    await expectHostFileIntact();
    expect(existsSync(join(bait.base, 'escaped'))).toBe(false);
    const second = await sh('mkdir ../escaped');
    expectBlocked(second, READ_ONLY);
    expect(existsSync(join(bait.base, 'escaped'))).toBe(false);
  });

  it('cannot write through a symlink pointing outside, planted by itself or on the host', async () => {
    const workspace = await bait.newWorkspace();
    await symlink(bait.hostFile, join(workspace, 'planted'));
    const result = await sh('ln -s ../host.txt own && echo pwned > own', { workspace });
    expectBlocked(result, READ_ONLY);
    const planted = await sh('echo pwned > planted', { workspace });
    expectBlocked(planted, READ_ONLY);
    await expectHostFileIntact();
  });

  it('cannot hard-link a file from outside into the workspace', async () => {
    const result = await run(['ln', bait.hostFile, 'x']);
    expectBlocked(result, NOT_THERE);
    const system = await run(['ln', '/usr/bin/true', 'x']);
    expectBlocked(system, /Invalid cross-device link|Operation not permitted/);
    await expectHostFileIntact();
  });

  it('cannot move or rename a host file', async () => {
    const result = await sh(`mv ${bait.hostFile} ./stolen`);
    expectBlocked(result, /cannot (stat|move)|No such file|Read-only/);
    const system = await sh('mv /etc/ld.so.cache ./cache');
    expectBlocked(system, /cannot move|Read-only|Device or resource busy|Permission denied/);
    await expectHostFileIntact();
    expect(existsSync('/etc/ld.so.cache')).toBe(true);
  });

  it('cannot reach host paths through /proc/self/root', async () => {
    const result = await sh(
      `cat /proc/self/root${bait.secret} || echo pwned > /proc/self/root${bait.hostFile}`,
    );
    expectBlocked(result, READ_ONLY);
    expect(result.output).not.toContain(SECRET_TEXT);
    await expectHostFileIntact();
  });

  it("cannot reach the host's root through /proc/1/root", async () => {
    const result = await sh(
      'ls -a /proc/1/root/root; cat /proc/1/root/etc/shadow; echo pwned > /proc/1/root/usr/pwned',
    );
    expectBlocked(result, READ_ONLY);
    expect(result.output).toMatch(NOT_THERE);
    expect(existsSync('/usr/pwned')).toBe(false);
  });

  it('cannot write into /usr (the system is read-only)', async () => {
    const result = await sh('touch /usr/bin/cell0-pwned || echo pwned >> /usr/bin/true');
    expectBlocked(result, READ_ONLY);
    expect(existsSync('/usr/bin/cell0-pwned')).toBe(false);
  });
});

describe('network', () => {
  const connect = (port: number, extra: Partial<RunSpec> = {}) =>
    run(
      [
        'python3',
        '-c',
        `import socket; s = socket.create_connection(("127.0.0.1", ${port}), timeout=3); print(s.recv(100).decode())`,
      ],
      extra,
    );
  const egress = (
    rules: { anyPublic?: boolean; hosts?: string[] },
    attempts: EgressAttempt[],
  ): EgressOptions => ({
    rules: {
      mode: 'enforce',
      anyPublic: rules.anyPublic ?? false,
      hosts: (rules.hosts ?? []).map(parseHostPattern),
    },
    onAttempt: (a) => attempts.push(a),
  });

  it("cannot connect to a server on the host's loopback without network", async () => {
    const server = await startTcpServer();
    try {
      const result = await connect(server.address as number);
      expectBlocked(result, /Connection refused|Network is unreachable|timed out/);
      expect(server.connections()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("with network granted, the host's loopback is still out of reach: the only way out is the proxy", async () => {
    const server = await startTcpServer();
    const attempts: EgressAttempt[] = [];
    try {
      // Any public host granted: a direct connection finds only the sandbox's own loopback.
      const direct = await connect(server.address as number, {
        network: true,
        egress: egress({ anyPublic: true }, attempts),
      });
      expectBlocked(direct, /Connection refused|Network is unreachable|timed out/);
      // Through the proxy (Python honours the proxy variables), "any public host" never covers loopback.
      const proxied = await run(
        [
          'python3',
          '-c',
          `import urllib.request; urllib.request.urlopen("http://127.0.0.1:${server.address}/", timeout=5)`,
        ],
        { network: true, egress: egress({ anyPublic: true }, attempts) },
      );
      expectBlocked(proxied, /403|Forbidden/);
      expect(server.connections()).toBe(0);
      expect(attempts.map((a) => [a.host, a.port, a.allowed])).toEqual([
        ['127.0.0.1', server.address, false],
      ]);
      expect(attempts[0]!.reason).toMatch(/loopback/);
    } finally {
      await server.close();
    }
  });

  it('cannot resolve names without network', async () => {
    const result = await sh(
      'getent hosts localhost || getent hosts example.com || ' +
        'python3 -c "import socket; print(socket.gethostbyname(\'example.com\'))"',
    );
    expectBlocked(result, /gaierror|name resolution|not known/);
  });

  it("cannot reach the host's abstract Unix sockets, with or without network (they belong to the network namespace)", async () => {
    const name = `\0cell0-abstract-${process.pid}`;
    const server = await startUnixServer(name);
    try {
      for (const extra of [{}, { network: true, egress: egress({ anyPublic: true }, []) }]) {
        const result = await run(
          [
            'python3',
            '-c',
            // Node binds an abstract name NUL-padded to the whole sun_path (108 bytes): a shorter name
            // would be refused even on the host, so the client pads it the same way.
            `import socket; s = socket.socket(socket.AF_UNIX); s.connect(b"\\0${name.slice(1)}".ljust(108, b"\\0")); print(s.recv(100))`,
          ],
          extra,
        );
        expectBlocked(result, /Connection refused|No such file/);
      }
      expect(server.connections()).toBe(0);
    } finally {
      await server.close();
    }
  });
});

describe('host Unix sockets', () => {
  const connectUnix = (path: string) =>
    run([
      'python3',
      '-c',
      `import socket; s = socket.socket(socket.AF_UNIX); s.connect(${JSON.stringify(path)})`,
    ]);

  it('cannot connect to a Unix socket server outside the workspace', async () => {
    const path = join(bait.base, 'host.sock');
    const server = await startUnixServer(path);
    try {
      const result = await connectUnix(path);
      expectBlocked(result, /No such file or directory|Connection refused/);
      expect(server.connections()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('does not see the session bus: neither its address nor its socket', async () => {
    const path = join(bait.base, 'session-bus');
    const server = await startUnixServer(path);
    const saved = process.env.DBUS_SESSION_BUS_ADDRESS;
    process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${path}`;
    try {
      const result = await sh(
        `echo "bus=[$DBUS_SESSION_BUS_ADDRESS]"; ` +
          `python3 -c 'import socket; s = socket.socket(socket.AF_UNIX); s.connect(${JSON.stringify(path)})'`,
      );
      expectBlocked(result, /No such file or directory/);
      expect(result.output).toContain('bus=[]');
      expect(server.connections()).toBe(0);
      // And the real one, if this machine has a session: its socket directory is not there either.
      const real = saved?.match(/path=([^,;]+)/)?.[1];
      if (real) expectBlocked(await run(['ls', real]), NOT_THERE);
    } finally {
      if (saved === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
      else process.env.DBUS_SESSION_BUS_ADDRESS = saved;
      await server.close();
    }
  });
});

describe('resource limits', () => {
  it('a classic fork bomb ends, leaves nothing behind, and the host still forks', async () => {
    const result = await run(['bash', '-c', ':(){ :|:& };:'], {
      limits: { processes: 32, wallClockMs: 5000 },
    });
    expect(result.durationMs).toBeLessThan(6000);
    expect(hostCanFork()).toBe(true);
    // The bomb's survivors die with the pid namespace when the shell that started it exits; under
    // load the kernel may take a moment to reap them all.
    for (let waited = 0; waited < 3000 && liveProcesses(':\\|:').length > 0; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(liveProcesses(':\\|:')).toEqual([]);
    expect(result.sandboxed).toBe(true);
  });

  it('a fork bomb that keeps its tree alive hits the process limit and is stopped', async () => {
    const result = await run(['bash', '-c', ':(){ :|:& wait; };:'], {
      limits: { processes: 32, wallClockMs: 2000 },
    });
    expect(result.limit).toBe('processes');
    expect(result.output).toMatch(/fork.*Resource temporarily unavailable/);
    expect(result.durationMs).toBeLessThan(4000);
    expect(hostCanFork()).toBe(true);
  });

  it('a memory bomb fails its allocation and reports the memory limit', async () => {
    const python = await run(['python3', '-c', 'x = bytearray(4 << 30)'], {
      limits: { memoryBytes: 256 * 1024 * 1024 },
    });
    expect(python.limit).toBe('memory');
    expect(python.output).toContain('MemoryError');
    const tail = await sh('head -c 3G /dev/zero | tail', { limits: { memoryBytes: 256 * 1024 * 1024 } });
    expect(tail.limit).toBe('memory');
    expect(tail.exitCode).not.toBe(0);
    expect(hostCanFork()).toBe(true);
  });

  it('a CPU spin is stopped at its CPU allowance', async () => {
    const result = await run(['bash', '-c', 'while :; do :; done'], { limits: { cpuSeconds: 1 } });
    expect(result.limit).toBe('cpu');
    expect(result.exitCode).toBe(128 + 24); // SIGXCPU, as bwrap reports a signalled command
    expect(result.durationMs).toBeLessThan(5000);
  });

  it('a hang is killed at the wall clock and the call returns promptly', async () => {
    const started = Date.now();
    const result = await run(['sleep', '1000'], { limits: { wallClockMs: 1000 } });
    expect(result.limit).toBe('wall-clock');
    expect(result.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(liveProcesses('sleep 1000')).toEqual([]);
  });

  it('filling the disk stops at the file-size limit', async () => {
    const result = await run(['dd', 'if=/dev/zero', 'of=big', 'bs=1M', 'count=500'], {
      limits: { fileSizeBytes: 10 * 1024 * 1024 },
    });
    expect(result.limit).toBe('file-size');
    expect((await stat(join(result.workspace, 'big'))).size).toBeLessThanOrEqual(10 * 1024 * 1024);
  });

  it('an output flood is cut at the output limit', async () => {
    const result = await run(['yes'], { limits: { outputBytes: 64 * 1024 } });
    expect(result.limit).toBe('output');
    expect(result.truncated).toBe(true);
    expect(result.output.length).toBeLessThanOrEqual(64 * 1024 + 30);
    expect(result.output.startsWith('y\ny\n')).toBe(true);
    expect(result.output).toContain('[output truncated]');
    expect(liveProcesses('^yes$')).toEqual([]);
  });

  it('a daemon does not outlive its call (setsid, nohup, double fork)', async () => {
    const result = await sh(
      'setsid sleep 987.25 & nohup sleep 988.25 >/dev/null 2>&1 & (sleep 989.25 &); sleep 0.3; ' +
        'echo "running: $(pgrep -c -x sleep)"; exit 0',
    );
    expect(result.output).toContain('running: 3');
    expect(result.exitCode).toBe(0);
    expect(liveProcesses('sleep 98[789].25')).toEqual([]);
  });
});

describe('the app, its terminal and privileges', () => {
  let sentinel: ChildProcess;

  beforeAll(() => {
    sentinel = spawn('sleep', ['30'], { stdio: 'ignore' });
  });
  afterAll(() => {
    sentinel.kill('SIGKILL');
  });

  it('cannot see or signal the app or any host process', async () => {
    const result = await sh(
      `kill -0 ${process.pid}; kill -9 ${process.pid}; kill -9 ${sentinel.pid}; kill -9 $PPID; ` +
        'echo "ppid=$PPID"; ls /proc | grep -c "^[0-9]"; exit 1',
    );
    expectBlocked(result, /No such process/);
    expect(result.output).toMatch(/ppid=1\b/);
    expect(sentinel.exitCode).toBeNull();
    expect(() => process.kill(sentinel.pid!, 0)).not.toThrow();
    // kill -1 reaches every process the caller may signal: inside, none but pid 1 and itself (both exempt).
    const all = await sh('kill -9 -1; echo survived');
    expect(all.output).toMatch(/No such process/);
    expect(all.output).toContain('survived');
    expect(() => process.kill(sentinel.pid!, 0)).not.toThrow();
    expect(() => process.kill(process.pid, 0)).not.toThrow();
  });

  it('cannot inject keystrokes into the terminal with TIOCSTI', async () => {
    const result = await run(
      [
        'python3',
        '-c',
        'import fcntl, termios, sys\n' +
          'try:\n    fcntl.ioctl(0, termios.TIOCSTI, b"x")\n' +
          'except OSError as e:\n    print("TIOCSTI refused:", e.strerror); sys.exit(5)\n' +
          'print("INJECTED")',
      ],
      { tty: true },
    );
    expect(result.exitCode).toBe(5);
    expect(result.output).toMatch(/TIOCSTI refused: (Operation not permitted|Input\/output error)/);
    expect(result.output).not.toContain('INJECTED');
  });

  it('cannot create nested namespaces', async () => {
    const unshare = await run(['unshare', '-r', '-n', 'true']);
    expectBlocked(unshare, /unshare failed|Operation not permitted|No space left on device/);
    const bwrap = await run(['bwrap', '--ro-bind', '/', '/', 'true']);
    expectBlocked(bwrap, /bwrap:/);
  });

  it('cannot gain privileges: unprivileged uid, no capabilities, setuid inert', async () => {
    const result = await sh(
      'id -u; grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status; su -c id root; sudo -n true; exit 1',
    );
    expectBlocked(result, /su:|sudo: not found|Authentication failure/);
    if (asRoot) expect(result.output).toMatch(/^65534$/m);
    else expect(result.output).toMatch(new RegExp(`^${process.getuid?.()}$`, 'm'));
    expect(result.output).toMatch(/CapEff:\s+0000000000000000/);
    expect(result.output).toMatch(/CapBnd:\s+0000000000000000/);
    if (asRoot) expect(result.output).toMatch(/NoNewPrivs:\s+1/);
    expect(result.output).not.toMatch(/^uid=0/m);
  });
});

describe('when the sandbox is unavailable', () => {
  it('fails closed: nothing runs', async () => {
    const missing = new Sandbox({ logger: silentLogger, bwrapPath: '/nonexistent/bwrap' });
    const workspace = await bait.newWorkspace();
    const marker = join(workspace, 'marker');
    try {
      expect(await missing.status()).toMatchObject({ kind: 'none', available: false });
      const attempt = missing.run({ argv: ['touch', marker], workspace, network: false });
      await expect(attempt).rejects.toSatisfy(
        (err: unknown) =>
          isCell0Error(err) &&
          err.code === 'SANDBOX_UNAVAILABLE' &&
          /bubblewrap is not installed/.test(err.message) &&
          /Allow this one call to run unsandboxed/.test(err.message),
      );
      expect(existsSync(marker)).toBe(false);
    } finally {
      await missing.stop();
    }
  });

  it('runs a call the owner allowed unsandboxed, still limited and without the app environment', async () => {
    const missing = new Sandbox({ logger: silentLogger, bwrapPath: '/nonexistent/bwrap' });
    const workspace = await bait.newWorkspace();
    try {
      const result = await missing.run({
        argv: ['sh', '-c', 'touch marker; env; ulimit -t'],
        workspace,
        network: false,
        unsandboxed: true,
        limits: { cpuSeconds: 7 },
      });
      expect(result.sandboxed).toBe(false);
      expect(result.exitCode).toBe(0);
      expect(existsSync(join(workspace, 'marker'))).toBe(true);
      expect(result.output).not.toContain(CANARY);
      expect(result.output).toMatch(/^7$/m);
    } finally {
      await missing.stop();
    }
  });
});
