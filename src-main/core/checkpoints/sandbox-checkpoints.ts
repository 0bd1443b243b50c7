/**
 * The sandbox group: escape attempts run for real under the tool sandbox, the same confinement and
 * limits `cell0 sandbox run` and every agent tool call get. Each attempt prints ESCAPED only if it
 * got through, and the host side is looked at too (the bait file unchanged, the server not reached,
 * no process left behind).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, symlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RunResult, RunSpec } from '../kernel/types.js';
import { isCell0Error } from '../protocol/errors.js';
import { bait, countingServer, type Bait } from './sandbox-bait.js';
import { fail, pass, skip, type Checkpoint, type Outcome, type ProbeEnv } from './checkpoint.js';

const MIB = 1024 * 1024;
const ESCAPED = 'ESCAPED';

async function available(env: ProbeEnv): Promise<boolean> {
  const status = await env.once('sandbox-status', () => env.sandbox.status());
  return status.available;
}

async function run(env: ProbeEnv, b: Bait, argv: string[], extra: Partial<RunSpec> = {}): Promise<RunResult> {
  const workspace = extra.workspace ?? (await b.newWorkspace());
  return env.sandbox.run({
    argv,
    network: false,
    ...extra,
    workspace,
    limits: { wallClockMs: 8000, ...extra.limits },
  });
}

const sh = (env: ProbeEnv, b: Bait, script: string, extra: Partial<RunSpec> = {}) =>
  run(env, b, ['sh', '-c', script], extra);

/** The run did not get through: no ESCAPED, none of the secret, and it ran confined. */
function held(result: RunResult, what: string, secret?: string): Outcome {
  if (result.output.includes(ESCAPED) || (secret !== undefined && result.output.includes(secret)))
    return fail(`${what}: it got through${result.sandboxed ? '' : ' (the call ran unsandboxed)'}`);
  return pass(`${what}: refused`);
}

function escape(
  spec: Omit<Checkpoint, 'group' | 'probe'> & { attempt(env: ProbeEnv, b: Bait): Promise<Outcome> },
): Checkpoint {
  const { attempt, ...rest } = spec;
  return {
    ...rest,
    group: 'sandbox',
    async probe(env) {
      if (!(await available(env))) return skip('the sandbox is unavailable here (see sandbox.available)');
      return attempt(env, await bait(env));
    },
  };
}

const FIX_ISOLATION =
  'Run Cell 0 with bubblewrap installed and user namespaces allowed (kernel.unprivileged_userns_clone=1), and report this to the Cell 0 developers';
const FIX_LIMITS = 'The sandbox applies its limits through prlimit (util-linux): install util-linux';

/** Host processes (not zombies) whose command line contains `text`. */
async function hostProcesses(text: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const [cmdline, status] = await Promise.all([
        readFile(`/proc/${name}/cmdline`, 'utf8'),
        readFile(`/proc/${name}/status`, 'utf8'),
      ]);
      if (cmdline.replaceAll('\0', ' ').includes(text) && !/^State:\s+Z/m.test(status))
        found.push(Number(name));
    } catch {
      // It ended meanwhile.
    }
  }
  return found;
}

/** A host process the sandbox must neither see, signal nor trace. */
function sentinel(env: ProbeEnv): { pid: number; alive(): boolean } {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  env.defer(async () => void child.kill('SIGKILL'));
  return {
    pid: child.pid!,
    alive: () => child.exitCode === null && child.signalCode === null,
  };
}

async function waitUntil(condition: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const sandboxCheckpoints: Checkpoint[] = [
  {
    id: 'sandbox.available',
    group: 'sandbox',
    title: 'Tools run confined',
    why: 'Without a working sandbox every tool would run with your rights, so Cell 0 must confine or refuse',
    fix: 'Install bubblewrap (sudo apt install bubblewrap) and allow unprivileged user namespaces',
    async probe(env) {
      const status = await env.once('sandbox-status', () => env.sandbox.status());
      return status.available ? pass(`${status.kind}: ${status.detail}`) : fail(status.detail);
    },
  },
  {
    id: 'sandbox.fail-closed',
    group: 'sandbox',
    title: 'No sandbox, nothing runs',
    why: 'Where confinement is missing a call must be refused, not run bare',
    fix: FIX_ISOLATION,
    async probe(env) {
      const b = await bait(env);
      const missing = env.missingSandbox();
      const workspace = join(b.base, `fail-closed-${randomBytes(4).toString('hex')}`);
      const marker = join(workspace, 'ran');
      try {
        await env.sandbox.prepareWorkspace(workspace).catch(() => undefined);
        const status = await missing.status();
        if (status.available) return fail('a sandbox without bubblewrap says it is available');
        await missing.run({ argv: ['touch', marker], workspace, network: false });
        return fail('a sandbox without bubblewrap ran the command anyway');
      } catch (err) {
        if (existsSync(marker)) return fail('the command ran although the sandbox was missing');
        return isCell0Error(err) && err.code === 'SANDBOX_UNAVAILABLE'
          ? pass('refused with SANDBOX_UNAVAILABLE; nothing ran')
          : fail(`refused, but not as SANDBOX_UNAVAILABLE: ${(err as Error).message}`);
      }
    },
  },
  escape({
    id: 'sandbox.host-secret',
    title: 'Host secrets stay unreadable',
    why: "A tool must not read files outside its workspace, such as a 0600 secret of the app's user",
    fix: FIX_ISOLATION,
    attempt: async (env, b) => held(await sh(env, b, `cat ${b.secret}`), `reading ${b.secret}`, b.secretText),
  }),
  escape({
    id: 'sandbox.home',
    title: 'Your home directory and ~/.ssh are hidden',
    why: 'SSH keys, browser profiles and dotfiles in a home directory are the first thing malware takes',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const home = homedir();
      const result = await sh(
        env,
        b,
        `cat ${b.sshKey}; if ls -A "${home}" >/dev/null 2>&1 && [ -n "$(ls -A "${home}" 2>/dev/null)" ]; then echo ${ESCAPED}; fi`,
      );
      return held(result, `listing ${home} and reading a key under .ssh`, b.secretText);
    },
  }),
  escape({
    id: 'sandbox.shadow',
    title: '/etc/shadow is unreadable',
    why: 'The password hashes of the machine must never reach a tool',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      if (!existsSync('/etc/shadow')) return skip('this system has no /etc/shadow');
      return held(await sh(env, b, `grep -q : /etc/shadow && echo ${ESCAPED}`), 'reading /etc/shadow');
    },
  }),
  escape({
    id: 'sandbox.environment',
    title: "The app's environment is not passed on",
    why: 'API keys and tokens in the environment of Cell 0 would leak to every tool',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const canary = `cell0-canary-${randomBytes(8).toString('hex')}`;
      process.env.CELL0_CHECKPOINT_CANARY = canary;
      try {
        const result = await sh(
          env,
          b,
          'env; cat /proc/1/environ /proc/self/environ 2>/dev/null | tr "\\0" "\\n"',
        );
        return held(result, 'reading env and /proc/*/environ', canary);
      } finally {
        delete process.env.CELL0_CHECKPOINT_CANARY;
      }
    },
  }),
  escape({
    id: 'sandbox.proc-1-root',
    title: '/proc/1/root (and every /proc/<pid>/root) stays inside',
    why: "Through /proc a process can reach another's root directory: the host's, if pid 1 were the host's init",
    fix: FIX_ISOLATION,
    attempt: async (env, b) =>
      held(
        await sh(
          env,
          b,
          `cat /proc/1/root${b.secret} 2>/dev/null; for p in /proc/[0-9]*; do cat "$p/root${b.secret}" 2>/dev/null; done; true`,
        ),
        'reading a host file through /proc/1/root and every /proc/<pid>/root',
        b.secretText,
      ),
  }),
  escape({
    id: 'sandbox.proc-self-root',
    title: '/proc/self/root does not reach host files',
    why: 'A path through /proc/self/root must land in the sandbox, not on the host',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const result = await sh(env, b, `echo pwned > /proc/self/root${b.hostFile} && echo ${ESCAPED}`);
      if (!(await b.hostFileIntact())) return fail('the host file changed through /proc/self/root');
      return held(result, 'writing a host file through /proc/self/root');
    },
  }),
  escape({
    id: 'sandbox.write-outside',
    title: 'No writes outside the workspace',
    why: 'A tool may change its workspace and nothing else on this machine',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const result = await sh(env, b, `echo pwned > ${b.hostFile} && echo ${ESCAPED}`);
      if (!(await b.hostFileIntact())) return fail(`${b.hostFile} was overwritten`);
      return held(result, 'overwriting a host file by its path');
    },
  }),
  escape({
    id: 'sandbox.write-system',
    title: 'The system is read-only',
    why: 'A tool that could write /usr could replace the programs you run',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const target = `/usr/cell0-checkpoint-${randomBytes(4).toString('hex')}`;
      const result = await sh(env, b, `touch ${target} && echo ${ESCAPED}`);
      if (existsSync(target)) {
        await rm(target, { force: true });
        return fail(`${target} was created on the host (removed again)`);
      }
      return held(result, 'creating a file under /usr');
    },
  }),
  escape({
    id: 'sandbox.dotdot',
    title: 'No climbing out with ..',
    why: 'A relative path must not leave the workspace through its parent',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const name = `dotdot-${randomBytes(4).toString('hex')}`;
      const result = await sh(env, b, `echo pwned > ../${name} && echo ${ESCAPED}`);
      if (existsSync(join(b.base, name))) {
        await rm(join(b.base, name), { force: true });
        return fail('a file appeared next to the workspace');
      }
      return held(result, 'writing ../ from the workspace');
    },
  }),
  escape({
    id: 'sandbox.symlink',
    title: 'Symlinks do not lead out',
    why: 'A link in the workspace (planted by the tool or anyone else) must not carry a write outside',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const workspace = await b.newWorkspace();
      await symlink(b.hostFile, join(workspace, 'planted'));
      const result = await sh(
        env,
        b,
        `ln -s ${b.hostFile} own; echo pwned > own && echo ${ESCAPED}; echo pwned > planted && echo ${ESCAPED}`,
        { workspace },
      );
      if (!(await b.hostFileIntact())) return fail('the host file was written through a symlink');
      return held(result, 'writing through symlinks to a host file');
    },
  }),
  escape({
    id: 'sandbox.hardlink',
    title: 'No hard links to host files',
    why: 'A hard link would put a host file inside the workspace, writable',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const result = await sh(env, b, `ln ${b.hostFile} linked && echo ${ESCAPED}`);
      if (!(await b.hostFileIntact())) return fail('the host file got a second link from the workspace');
      return held(result, 'hard-linking a host file');
    },
  }),
  escape({
    id: 'sandbox.system-dirs',
    title: '/sys, /run, /home and /root are not there',
    why: "The host's devices, runtime sockets and users' files are out of a tool's sight",
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const visible = ['/sys/kernel', '/run/user', '/home', '/root', '/var/lib'].filter((p) => existsSync(p));
      if (visible.length === 0) return skip('none of these exists on this host');
      const script = visible.map((p) => `[ -e ${p} ] && echo ${ESCAPED} ${p};`).join(' ');
      return held(await sh(env, b, `${script} true`), `looking for ${visible.join(', ')}`);
    },
  }),
  escape({
    id: 'sandbox.passwd',
    title: 'The sandbox has its own /etc/passwd',
    why: "The host's account list tells an attacker who to go after",
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const host = await readFile('/etc/passwd', 'utf8').catch(() => '');
      const hostOnly = host.split('\n').filter((l) => l && !/^(root|nobody):/.test(l));
      if (hostOnly.length === 0) return skip('the host has no accounts but root and nobody');
      const result = await run(env, b, ['cat', '/etc/passwd']);
      return hostOnly.some((line) => result.output.includes(line))
        ? fail("the host's /etc/passwd is visible")
        : pass('a minimal /etc/passwd of its own');
    },
  }),
  escape({
    id: 'sandbox.loopback-tcp',
    title: "The host's loopback is out of reach",
    why: 'Databases, dev servers and the Cell 0 gateway listen on 127.0.0.1 and trust it',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const server = await countingServer();
      try {
        const result = await run(env, b, [
          'bash',
          '-c',
          `exec 3<>/dev/tcp/127.0.0.1/${server.address} && echo ${ESCAPED}`,
        ]);
        if (server.connections() > 0) return fail(`the host's 127.0.0.1:${server.address} was reached`);
        return held(result, `connecting to 127.0.0.1:${server.address} on the host`);
      } finally {
        await server.close();
      }
    },
  }),
  escape({
    id: 'sandbox.loopback-with-network',
    title: 'Granted network still does not reach the host',
    why: "A call granted the internet must go through the kernel's proxy, never straight to this machine",
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const server = await countingServer();
      try {
        let result: RunResult;
        try {
          result = await run(
            env,
            b,
            ['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${server.address} && echo ${ESCAPED}`],
            {
              network: true,
              egress: { rules: { mode: 'enforce', anyPublic: true, hosts: [] }, onAttempt: () => undefined },
            },
          );
        } catch (err) {
          if (isCell0Error(err) && err.code === 'SANDBOX_UNAVAILABLE') return skip(err.message);
          throw err;
        }
        if (server.connections() > 0) return fail(`the host's 127.0.0.1:${server.address} was reached`);
        return held(result, 'connecting straight to the host with network granted');
      } finally {
        await server.close();
      }
    },
  }),
  escape({
    id: 'sandbox.abstract-socket',
    title: "The host's abstract Unix sockets are out of reach",
    why: 'X11 and often D-Bus listen on abstract sockets, which no file permission guards',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const name = `cell0-checkpoint-${randomBytes(6).toString('hex')}`;
      const server = await countingServer(`\0${name}`);
      try {
        const result = await run(env, b, [
          'python3',
          '-c',
          // Node binds an abstract name padded with NULs to the whole sun_path (108 bytes): so must the client.
          `import socket; s = socket.socket(socket.AF_UNIX); s.connect(b"\\0${name}".ljust(108, b"\\0")); print("${ESCAPED}")`,
        ]);
        if (server.connections() > 0) return fail('the host abstract socket was reached');
        return held(result, 'connecting to an abstract socket of the host');
      } finally {
        await server.close();
      }
    },
  }),
  escape({
    id: 'sandbox.unix-socket',
    title: "The host's Unix sockets are out of reach",
    why: 'A Unix socket (docker.sock, the session bus, ssh-agent) hands whoever connects its powers',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const path = join(b.base, `host-${randomBytes(4).toString('hex')}.sock`);
      const server = await countingServer(path);
      try {
        const result = await run(env, b, [
          'python3',
          '-c',
          `import socket; s = socket.socket(socket.AF_UNIX); s.connect(${JSON.stringify(path)}); print("${ESCAPED}")`,
        ]);
        if (server.connections() > 0) return fail(`the host socket ${path} was reached`);
        return held(result, 'connecting to a Unix socket of the host');
      } finally {
        await server.close();
      }
    },
  }),
  escape({
    id: 'sandbox.dns',
    title: 'No name resolution without network',
    why: 'DNS lookups can carry data out even where connections are blocked',
    fix: FIX_ISOLATION,
    attempt: async (env, b) =>
      held(
        await sh(
          env,
          b,
          `getent hosts localhost >/dev/null && echo ${ESCAPED}; getent hosts example.com >/dev/null && echo ${ESCAPED}`,
        ),
        'resolving names',
      ),
  }),
  escape({
    id: 'sandbox.host-processes',
    title: 'Host processes cannot be seen or signalled',
    why: 'A tool that could signal processes could kill Cell 0 or your editor, or read their memory',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const target = sentinel(env);
      const result = await sh(
        env,
        b,
        `kill -0 ${target.pid} 2>/dev/null && echo ${ESCAPED}; kill -STOP ${target.pid} 2>/dev/null`,
      );
      process.kill(target.pid, 'SIGCONT');
      if (!target.alive()) return fail('a host process was killed from the sandbox');
      return held(result, `signalling host pid ${target.pid}`);
    },
  }),
  escape({
    id: 'sandbox.ptrace',
    title: 'No tracing of host processes',
    why: 'ptrace reads and rewrites another process: its secrets and its code',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const target = sentinel(env);
      const result = await run(env, b, [
        'python3',
        '-c',
        `import ctypes; libc = ctypes.CDLL(None, use_errno=True)\nif libc.ptrace(16, ${target.pid}, 0, 0) == 0: print("${ESCAPED}")`,
      ]);
      return held(result, `PTRACE_ATTACH to host pid ${target.pid}`);
    },
  }),
  escape({
    id: 'sandbox.outlive',
    title: 'Nothing outlives its call',
    why: 'A daemon left behind (setsid, nohup, a double fork) would keep running unwatched',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const tag = `${40 + Math.floor(Math.random() * 50)}.${randomBytes(2).readUInt16BE()}`;
      await sh(
        env,
        b,
        `setsid sleep ${tag} >/dev/null 2>&1 & nohup sleep ${tag} >/dev/null 2>&1 & (sleep ${tag} >/dev/null 2>&1 &); sleep 0.2; exit 0`,
      );
      const gone = await waitUntil(async () => (await hostProcesses(`sleep ${tag}`)).length === 0, 2000);
      if (gone) return pass('setsid, nohup and a double fork all ended with the call');
      const left = await hostProcesses(`sleep ${tag}`);
      for (const pid of left) process.kill(pid, 'SIGKILL');
      return fail(`${left.length} process(es) outlived the call (killed now)`);
    },
  }),
  escape({
    id: 'sandbox.fork-bomb',
    title: 'A fork bomb hits the process limit',
    why: 'A tool that forks without end would starve the whole machine',
    fix: FIX_LIMITS,
    attempt: async (env, b) => {
      const result = await sh(env, b, 'i=0; while [ $i -lt 64 ]; do sleep 1 & i=$((i+1)); done; wait', {
        limits: { processes: 16, wallClockMs: 6000 },
      });
      return /fork|Resource temporarily unavailable/i.test(result.output) || result.limit === 'processes'
        ? pass('64 processes asked for, stopped at the limit of 16')
        : fail('64 processes started under a limit of 16');
    },
  }),
  escape({
    id: 'sandbox.memory-bomb',
    title: 'A memory bomb hits the memory limit',
    why: 'A tool that allocates without end would push the machine into swap or the OOM killer',
    fix: FIX_LIMITS,
    attempt: async (env, b) => {
      const result = await sh(env, b, 'head -c 400M /dev/zero | tail > /dev/null', {
        limits: { memoryBytes: 128 * MIB },
      });
      return result.exitCode !== 0
        ? pass(`400 MiB asked for under 128 MiB: refused (${result.limit ?? `exit ${result.exitCode}`})`)
        : fail('400 MiB were allocated under a limit of 128 MiB');
    },
  }),
  escape({
    id: 'sandbox.cpu',
    title: 'A CPU spin hits the CPU limit',
    why: 'A tool that spins forever must be stopped at its CPU allowance',
    fix: FIX_LIMITS,
    attempt: async (env, b) => {
      const result = await sh(env, b, 'timeout 10 sh -c "while :; do :; done"', {
        limits: { cpuSeconds: 1 },
      });
      return result.limit === 'cpu'
        ? pass('stopped at 1 CPU second')
        : fail(
            `not stopped by the CPU limit (${result.limit ?? `exit ${result.exitCode}`} after ${result.durationMs} ms)`,
          );
    },
  }),
  escape({
    id: 'sandbox.wall-clock',
    title: 'A hang is killed at the wall clock',
    why: 'A tool that waits forever must not hold the agent forever',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const result = await run(env, b, ['sleep', '5'], { limits: { wallClockMs: 400 } });
      return result.limit === 'wall-clock'
        ? pass(`killed after ${result.durationMs} ms (limit 400 ms)`)
        : fail(`ran ${result.durationMs} ms under a 400 ms limit`);
    },
  }),
  escape({
    id: 'sandbox.file-size',
    title: 'Filling the disk stops at the file-size limit',
    why: 'A tool writing without end would fill the disk Cell 0 and you need',
    fix: FIX_LIMITS,
    attempt: async (env, b) => {
      const result = await run(env, b, ['dd', 'if=/dev/zero', 'of=big', 'bs=1M', 'count=8'], {
        limits: { fileSizeBytes: 1 * MIB },
      });
      return result.limit === 'file-size'
        ? pass('8 MiB asked for, stopped at 1 MiB')
        : fail('an 8 MiB file was written under a 1 MiB limit');
    },
  }),
  escape({
    id: 'sandbox.output',
    title: 'An output flood is cut',
    why: 'Unbounded output would fill memory and the model context',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const result = await sh(env, b, 'head -c 200000 /dev/zero | tr "\\0" y', {
        limits: { outputBytes: 16 * 1024 },
      });
      return result.truncated && result.output.length <= 16 * 1024 + 64
        ? pass('200 kB of output cut at 16 KiB')
        : fail(`${result.output.length} characters came back under a 16 KiB limit`);
    },
  }),
  escape({
    id: 'sandbox.mount',
    title: 'No mounting',
    why: 'mount could lay a file system over what the sandbox hides, or expose one',
    fix: FIX_ISOLATION,
    attempt: async (env, b) =>
      held(
        await sh(
          env,
          b,
          `mkdir m && mount -t tmpfs cell0probe m 2>/dev/null && { echo ${ESCAPED}; umount m; }; true`,
        ),
        'mounting a tmpfs',
      ),
  }),
  escape({
    id: 'sandbox.nested-namespaces',
    title: 'No nested namespaces',
    why: 'A fresh user namespace inside would hand the tool capabilities to attack the kernel with',
    fix: FIX_ISOLATION,
    attempt: async (env, b) =>
      held(await sh(env, b, `unshare -r -n true 2>/dev/null && echo ${ESCAPED}; true`), 'unshare -r -n'),
  }),
  escape({
    id: 'sandbox.setuid',
    title: 'setuid programs give nothing',
    why: 'A setuid binary (su, passwd, mount) is the classic way from a user to root',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const result = await run(env, b, ['grep', 'NoNewPrivs', '/proc/self/status']);
      return /NoNewPrivs:\s+1/.test(result.output)
        ? pass('no_new_privs is set: setuid bits are inert')
        : fail(`setuid programs could raise privileges (${result.output.trim() || 'no NoNewPrivs line'})`);
    },
  }),
  escape({
    id: 'sandbox.capabilities',
    title: 'No capabilities',
    why: 'Any Linux capability in the sandbox is a lever against the kernel or the host',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const result = await run(env, b, ['grep', '-E', '^Cap(Eff|Bnd)', '/proc/self/status']);
      const effective = /CapEff:\s+0+\s/.test(`${result.output}\n`);
      const bounding = /CapBnd:\s+0+\s/.test(`${result.output}\n`);
      return effective && bounding
        ? pass('effective and bounding capability sets are empty')
        : fail(`capabilities left: ${result.output.trim().replace(/\s+/g, ' ')}`);
    },
  }),
  escape({
    id: 'sandbox.uid',
    title: 'Tools do not run as root',
    why: 'Root in the sandbox is one kernel bug away from root on the host',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const result = await run(env, b, ['id', '-u']);
      const uid = Number(result.output.trim());
      return Number.isInteger(uid) && uid !== 0 && result.exitCode === 0
        ? pass(`runs as uid ${uid}`)
        : fail(`runs as uid ${result.output.trim() || '?'}`);
    },
  }),
  escape({
    id: 'sandbox.devices',
    title: 'No device nodes',
    why: 'A disk or memory device node would bypass every file permission',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const devices = [
        '/dev/sda',
        '/dev/vda',
        '/dev/nvme0n1',
        '/dev/mem',
        '/dev/kmem',
        '/dev/port',
        '/dev/kvm',
      ]
        .map((d) => `[ -e ${d} ] && echo ${ESCAPED} ${d};`)
        .join(' ');
      return held(
        await sh(env, b, `${devices} mknod dev c 1 1 2>/dev/null && echo ${ESCAPED} mknod; true`),
        'creating a device node and looking for disks and memory',
      );
    },
  }),
  escape({
    id: 'sandbox.workspace-refused',
    title: 'A workspace that leads to the system is refused',
    why: 'A workspace symlinked to /etc or a home directory would make it writable',
    fix: FIX_ISOLATION,
    attempt: async (env, b) => {
      const link = join(b.base, `to-etc-${randomBytes(4).toString('hex')}`);
      await symlink('/etc', link);
      try {
        await env.sandbox.run({ argv: ['true'], workspace: link, network: false });
        return fail('a workspace that is /etc behind a symlink was accepted');
      } catch (err) {
        return isCell0Error(err) && err.code === 'WORKSPACE_REFUSED'
          ? pass('refused with WORKSPACE_REFUSED')
          : fail(`refused, but not as WORKSPACE_REFUSED: ${(err as Error).message}`);
      }
    },
  }),
];
