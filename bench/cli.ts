/**
 * bench:cli — what `cell0 sandbox run -- true` costs as a whole process, against the
 * sandbox-runtime CLI (`srt true`, npm @anthropic-ai/sandbox-runtime) in the same run.
 *
 * Both run alternately (so a busy machine weighs on both alike), each as a user would start it.
 * For the floor, the same rounds also time `node -e 0` (Node's own start) and bubblewrap alone
 * (`bwrap … true`, the walls cell0 puts up, started directly). Progress goes to stderr; the last
 * line of stdout is one JSON object.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 15);
const SRT = 'node_modules/.bin/srt';
const log = (line: string) => process.stderr.write(`${line}\n`);

if (!existsSync('out/main/cli.js')) throw new Error('out/main/cli.js is missing: run `npm run build` first');
if (!existsSync(SRT)) throw new Error(`${SRT} is missing: the devDependency @anthropic-ai/sandbox-runtime`);

const home = await mkdtemp(join(tmpdir(), 'cell0-bench-cli-'));
const env = { ...process.env, CELL0_HOME: home };

/** Wall time of one process from spawn to exit, in ms; a non-zero exit fails the bench. */
function timed(file: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`${file} ${args.join(' ')} exited with ${code}: ${stderr}`));
    });
  });
}

/** bubblewrap alone, with the walls cell0 puts up around a call (as root: setpriv to nobody first). */
function bwrapArgv(): [string, string[]] {
  const bwrap = [
    '/usr/bin/bwrap',
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--ro-bind',
    '/usr',
    '/usr',
    '--symlink',
    'usr/bin',
    '/bin',
    '--symlink',
    'usr/lib',
    '/lib',
    '--symlink',
    'usr/lib64',
    '/lib64',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
    '--remount-ro',
    '/',
    '--clearenv',
    '--',
    'prlimit',
    '--nproc=128',
    '--core=0',
    '--',
    'true',
  ];
  if (process.getuid?.() !== 0) return [bwrap[0]!, bwrap.slice(1)];
  const drop = ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all'];
  return ['/usr/bin/setpriv', [...drop, '--no-new-privs', ...bwrap]];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const [bwrapFile, bwrapRest] = bwrapArgv();
const commands: Record<string, [string, string[]]> = {
  cell0: [process.execPath, ['bin/cell0.mjs', 'sandbox', 'run', '--', 'true']],
  srt: [SRT, ['true']],
  node: [process.execPath, ['-e', '0']],
  bwrap: [bwrapFile, bwrapRest],
};
const times: Record<string, number[]> = { cell0: [], srt: [], node: [], bwrap: [] };
try {
  // One warm-up round (disk cache, srt's first look at the machine), not counted.
  for (const [file, args] of Object.values(commands)) await timed(file, args);
  for (let i = 0; i < RUNS; i++) {
    for (const [name, [file, args]] of Object.entries(commands)) times[name]!.push(await timed(file, args));
    log(
      `round ${i + 1}/${RUNS}: cell0 ${Math.round(times.cell0!.at(-1)!)} ms, srt ${Math.round(times.srt!.at(-1)!)} ms`,
    );
  }
} finally {
  await rm(home, { recursive: true, force: true });
}

const cell0 = median(times.cell0!);
const srt = median(times.srt!);
const ratio = cell0 / srt;
console.log(`cell0 sandbox run -- true   median ${Math.round(cell0)} ms over ${RUNS}`);
console.log(`srt true                    median ${Math.round(srt)} ms`);
console.log(
  `floor: node -e 0 ${Math.round(median(times.node!))} ms, bwrap … true ${Math.round(median(times.bwrap!))} ms`,
);
console.log(`cell0/srt ${ratio.toFixed(2)} — goal at most 0.5: ${ratio <= 0.5 ? 'met' : 'NOT met'}`);
console.log(
  JSON.stringify({
    cell0_ms: Math.round(cell0),
    srt_ms: Math.round(srt),
    ratio: Number(ratio.toFixed(2)),
    node_ms: Math.round(median(times.node!)),
    bwrap_ms: Math.round(median(times.bwrap!)),
    runs: RUNS,
  }),
);
