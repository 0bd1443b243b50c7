/**
 * The network while idle: the app's own TCP connections, read from /proc (its socket inodes matched
 * against the namespace's TCP table). An idle Cell 0 with no channel and no mesh talks to no one.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { fail, pass, skip, type Checkpoint, type OpenConnection, type ProbeEnv } from './checkpoint.js';
import { channelsIn, settingsFile } from './data-files.js';

const STATES: Record<string, string> = { '01': 'established', '02': 'syn-sent', '03': 'syn-received' };

function ipv4(hex: string): string {
  const n = Number.parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.');
}

function ipv6(hex: string): string {
  // Four little-endian 32-bit words.
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(Number.parseInt(word.slice(b * 2, b * 2 + 2), 16));
  }
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255)
    return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

export function isLoopback(address: string): boolean {
  return /^(127\.|::ffff:127\.)/.test(address) || address === '0:0:0:0:0:0:0:1' || address === '::1';
}

/** Outbound-looking TCP connections of one process (not listening sockets). */
export async function connectionsOf(pid: number): Promise<OpenConnection[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]!);
  }
  const found: OpenConnection[] = [];
  for (const [file, decode] of [
    ['tcp', ipv4],
    ['tcp6', ipv6],
  ] as const) {
    const table = await readFile(`/proc/${pid}/net/${file}`, 'utf8').catch(() => '');
    for (const line of table.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || !inodes.has(fields[9]!)) continue;
      const state = STATES[fields[3]!];
      if (!state) continue;
      const [localHex, localPort] = fields[1]!.split(':');
      const [remoteHex, remotePort] = fields[2]!.split(':');
      const remoteAddress = decode(remoteHex!);
      found.push({
        local: `${decode(localHex!)}:${Number.parseInt(localPort!, 16)}`,
        remote: `${remoteAddress}:${Number.parseInt(remotePort!, 16)}`,
        remoteAddress,
        state,
      });
    }
  }
  return found;
}

/** Why the app may be talking while nobody asked it anything: channels and the mesh. */
async function expectedTalk(env: ProbeEnv): Promise<string[]> {
  const reasons: string[] = [];
  if ((await channelsIn(env))?.length) reasons.push('channels');
  const mesh = (await settingsFile(env))?.mesh as { enabled?: boolean } | undefined;
  if (mesh?.enabled) reasons.push('the mesh');
  return reasons;
}

export const networkCheckpoints: Checkpoint[] = [
  {
    id: 'network.idle-outbound',
    group: 'network',
    title: 'No outbound connection while idle',
    why: 'An idle agent that talks to the network is sending something nobody asked it to',
    fix: 'Look at what the listed address is (`ss -tp`); if no channel, mesh peer or provider explains it, report it',
    async probe(env) {
      if (process.platform !== 'linux') return skip('read from /proc: Linux only');
      const pid = await env.appPid();
      if (pid === null) return skip('no app is running on this data directory');
      if (env.busy()) return skip('the app is working (a reply, a swarm or a tool): not idle');
      const outbound = (await connectionsOf(pid)).filter((c) => !isLoopback(c.remoteAddress));
      if (outbound.length === 0) return pass(`pid ${pid}: no outbound connection`);
      const reasons = await expectedTalk(env);
      const list = outbound
        .slice(0, 4)
        .map((c) => `${c.remote} (${c.state})`)
        .join(', ');
      return reasons.length > 0
        ? pass(`pid ${pid}: ${outbound.length} connection(s), expected for ${reasons.join(' and ')}: ${list}`)
        : fail(
            `pid ${pid}: ${outbound.length} connection(s) with no channel or mesh to explain them: ${list}`,
          );
    },
  },
];
