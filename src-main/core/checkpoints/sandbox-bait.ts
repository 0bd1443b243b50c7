/**
 * Host-side bait for the sandbox checkpoints: a secret, a file and a fake home outside every
 * workspace, in one directory of its own under /var/tmp (the sandbox's /tmp is private anyway;
 * this tries the real tree). Made once per run and removed when the run ends.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { ProbeEnv } from './checkpoint.js';

export interface Bait {
  base: string;
  /** A 0600 file (root-owned when run as root) with `secretText` in it. */
  secret: string;
  secretText: string;
  /** An ordinary host file no tool may change, move or link. */
  hostFile: string;
  hostText: string;
  sshKey: string;
  newWorkspace(): Promise<string>;
  hostFileIntact(): Promise<boolean>;
}

export function bait(env: ProbeEnv): Promise<Bait> {
  return env.once('sandbox-bait', async () => {
    const base = await mkdtemp('/var/tmp/cell0-checkpoints-');
    env.defer(() => rm(base, { recursive: true, force: true }));
    // Search-only for others: bwrap, started as the sandbox uid, must walk through to the workspaces.
    await chmod(base, 0o711);
    const tag = randomBytes(6).toString('hex');
    const secretText = `cell0-checkpoint-secret-${tag}`;
    const hostText = `cell0-checkpoint-host-${tag}\n`;
    const secret = join(base, 'secret');
    await writeFile(secret, `${secretText}\n`, { mode: 0o600 });
    const hostFile = join(base, 'host.txt');
    await writeFile(hostFile, hostText, { mode: 0o644 });
    await mkdir(join(base, 'home', '.ssh'), { recursive: true, mode: 0o700 });
    const sshKey = join(base, 'home', '.ssh', 'id_ed25519');
    await writeFile(sshKey, `-----BEGIN OPENSSH PRIVATE KEY----- ${secretText}\n`, { mode: 0o600 });
    let count = 0;
    return {
      base,
      secret,
      secretText,
      hostFile,
      hostText,
      sshKey,
      async newWorkspace() {
        const dir = join(base, `ws-${++count}`);
        await env.sandbox.prepareWorkspace(dir);
        return dir;
      },
      async hostFileIntact() {
        const [text, info] = await Promise.all([readFile(hostFile, 'utf8'), stat(hostFile)]);
        return text === hostText && info.nlink === 1;
      },
    };
  });
}

export interface CountingServer {
  /** The TCP port, or the socket path (a leading NUL: abstract). */
  address: number | string;
  connections(): number;
  close(): Promise<void>;
}

/** A host server that counts who reached it: a TCP port on 127.0.0.1, or a Unix socket at `path`. */
export function countingServer(path?: string): Promise<CountingServer> {
  const server: Server = createServer();
  let connections = 0;
  server.on('connection', (socket) => {
    connections++;
    // A client that connected and left at once (the probe's own exit) resets the socket: not news.
    socket.on('error', () => undefined);
    socket.end('host\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const ready = () => {
      const info = server.address();
      resolve({
        address: path ?? (typeof info === 'object' && info ? info.port : 0),
        connections: () => connections,
        close: () => new Promise((done) => server.close(() => done())),
      });
    };
    if (path === undefined) server.listen(0, '127.0.0.1', ready);
    else server.listen(path, ready);
  });
}
