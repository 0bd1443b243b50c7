/**
 * A tree as the lab compares it: every path under a root with its type, mode, size, mtime, owner
 * and symlink target, never following a symlink. On Linux one `find -printf` lists it (fast
 * enough for a lab to open over tens of thousands of files); elsewhere a walk in Node.
 */
import { execFile, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { LabEntryType } from '../../protocol/lab-entities.js';

export interface TreeEntry {
  type: LabEntryType;
  /** Permission bits with setuid, setgid and sticky. */
  mode: number;
  size: number;
  mtimeMs: number;
  uid: number;
  gid: number;
  target: string | null;
}

export type Tree = Map<string, TreeEntry>;

const FIND_TYPES: Record<string, LabEntryType> = {
  f: 'file',
  d: 'dir',
  l: 'symlink',
  p: 'fifo',
  s: 'socket',
  c: 'device',
  b: 'device',
};

/** The -printf format: eight NUL-terminated fields per entry. */
export const FIND_FORMAT = '%P\\0%y\\0%m\\0%s\\0%T@\\0%U\\0%G\\0%l\\0';

/** Parses what `find ROOT -mindepth 1 -printf FIND_FORMAT` printed. */
export function parseFindOutput(output: Buffer): Tree {
  const fields = output.toString('utf8').split('\0');
  const tree: Tree = new Map();
  for (let i = 0; i + 7 < fields.length; i += 8) {
    const [path, y, m, s, t, u, g, l] = fields.slice(i, i + 8) as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const type = FIND_TYPES[y] ?? 'other';
    tree.set(path, {
      type,
      mode: parseInt(m, 8),
      size: Number(s),
      mtimeMs: Number(t) * 1000,
      uid: Number(u),
      gid: Number(g),
      target: type === 'symlink' ? l : null,
    });
  }
  return tree;
}

/** The find command line that lists `root`; run by the lab inside its mount namespace too. */
export function findArgs(root: string): string[] {
  return [root, '-mindepth', '1', '-printf', FIND_FORMAT];
}

function typeOf(info: Awaited<ReturnType<typeof lstat>>): LabEntryType {
  if (info.isFile()) return 'file';
  if (info.isDirectory()) return 'dir';
  if (info.isSymbolicLink()) return 'symlink';
  if (info.isFIFO()) return 'fifo';
  if (info.isSocket()) return 'socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'device';
  return 'other';
}

async function walk(root: string): Promise<Tree> {
  const tree: Tree = new Map();
  const visit = async (rel: string): Promise<void> => {
    const names = await readdir(rel ? join(root, rel) : root);
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name;
      const info = await lstat(join(root, path));
      const type = typeOf(info);
      tree.set(path, {
        type,
        mode: info.mode & 0o7777,
        size: info.size,
        mtimeMs: info.mtimeMs,
        uid: info.uid,
        gid: info.gid,
        target: type === 'symlink' ? await readlink(join(root, path)) : null,
      });
      if (type === 'dir') await visit(path);
    }
  };
  await visit('');
  return tree;
}

/** Runs a command that prints a find listing, and parses it. */
export function listWith(file: string, args: string[]): Promise<Tree> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' } });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(parseFindOutput(Buffer.concat(out)));
      else reject(new Error(err.trim() || `${file} exited with ${code}`));
    });
  });
}

/** Every path under `root` (not root itself), symlinks listed, never followed. */
export async function listTree(root: string, platform: NodeJS.Platform = process.platform): Promise<Tree> {
  if (platform === 'linux') return listWith('find', findArgs(root));
  return walk(root);
}

/** SHA-256 of a file's bytes, streamed. */
export function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .once('error', reject)
      .once('end', () => resolve(hash.digest('hex')));
  });
}

/** Free bytes on the filesystem holding `path` (df), or null when it cannot be told. */
export function freeBytes(path: string): Promise<number | null> {
  return new Promise((resolve) => {
    execFile('df', ['-Pk', path], { env: { PATH: '/usr/bin:/bin' } }, (err, stdout) => {
      if (err) return resolve(null);
      const line = stdout.trim().split('\n')[1];
      const available = line?.split(/\s+/)[3];
      resolve(available === undefined ? null : Number(available) * 1024);
    });
  });
}
