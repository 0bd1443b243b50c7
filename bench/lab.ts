/**
 * bench:lab — opening a lab over a workspace of 10,000 files (~500 MB) against `cp -a` of the
 * same tree in the same run (the copy a lab without copy-on-write would need), and applying 100
 * changed files from a lab. Real overlay, real sandbox. The last line is one JSON object.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { silentLogger } from '../src-main/core/base/logger.js';
import { Labs } from '../src-main/core/kernel/lab/labs.js';
import { Sandbox } from '../src-main/core/kernel/sandbox/sandbox.js';

const FILES = Number(process.env.BENCH_LAB_FILES ?? 10_000);
const FILE_BYTES = Number(process.env.BENCH_LAB_FILE_BYTES ?? 50 * 1024);
const CHANGED = Number(process.env.BENCH_LAB_CHANGED ?? 100);
const ROUNDS = Number(process.env.BENCH_LAB_ROUNDS ?? 3);
const exec = promisify(execFile);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const base = await mkdtemp(join(tmpdir(), 'cell0-bench-lab-'));
  await chmod(base, 0o711);
  const sandbox = new Sandbox({ logger: silentLogger });
  try {
    const workspace = join(base, 'ws');
    const chunk = Buffer.alloc(FILE_BYTES, 'x');
    for (let d = 0; d < FILES / 100; d++) {
      await mkdir(join(workspace, `dir${d}`), { recursive: true });
      await Promise.all(
        Array.from({ length: 100 }, (_, f) => writeFile(join(workspace, `dir${d}`, `file${f}.txt`), chunk)),
      );
    }
    await sandbox.prepareWorkspace(workspace);
    const labs = new Labs({ root: join(base, 'labs'), sandbox, logger: silentLogger });
    process.stdout.write(`workspace: ${FILES} files, ${((FILES * FILE_BYTES) / 1024 ** 2).toFixed(0)} MB\n`);

    // Warm-up: the first lab of a process also tries one overlay mount (once per process).
    await labs.discard((await labs.open({ workspace })).id);
    const cps: number[] = [];
    const opens: number[] = [];
    let lastLab = '';
    for (let round = 0; round < ROUNDS; round++) {
      const copy = join(base, `copy${round}`);
      let t = performance.now();
      await exec('cp', ['-a', workspace, copy]);
      cps.push(performance.now() - t);
      await rm(copy, { recursive: true, force: true });
      t = performance.now();
      const lab = await labs.open({ workspace });
      opens.push(performance.now() - t);
      if (round < ROUNDS - 1) await labs.discard(lab.id);
      else lastLab = lab.id;
      process.stdout.write(
        `round ${round + 1}: cp -a ${cps.at(-1)!.toFixed(0)} ms, open lab ${opens.at(-1)!.toFixed(0)} ms\n`,
      );
    }

    const script = `for d in $(seq 0 ${CHANGED - 1}); do echo changed >> dir$d/file0.txt; done`;
    const ran = await labs.run(lastLab, { argv: ['/bin/sh', '-c', script] });
    if (ran.exitCode !== 0) throw new Error(`the lab command failed: ${ran.output}`);
    let t = performance.now();
    const report = await labs.report(lastLab);
    const reportMs = performance.now() - t;
    if (report.changes.length !== CHANGED)
      throw new Error(`expected ${CHANGED} changes, saw ${report.changes.length}`);
    t = performance.now();
    const applied = await labs.apply(lastLab);
    const applyMs = performance.now() - t;
    if (applied.applied.length !== CHANGED) throw new Error(`applied ${applied.applied.length}`);

    const openMs = median(opens);
    const cpMs = median(cps);
    process.stdout.write(
      `open ${openMs.toFixed(0)} ms vs cp -a ${cpMs.toFixed(0)} ms; report of ${CHANGED} changes ${reportMs.toFixed(0)} ms; apply ${applyMs.toFixed(0)} ms\n`,
    );
    process.stdout.write(
      `${JSON.stringify({
        files: FILES,
        mb: Math.round((FILES * FILE_BYTES) / 1024 ** 2),
        open_ms: Math.round(openMs),
        cp_ms: Math.round(cpMs),
        speedup: Number((cpMs / openMs).toFixed(1)),
        cp_fastest_ms: Math.round(Math.min(...cps)),
        open_fastest_ms: Math.round(Math.min(...opens)),
        report_100_ms: Math.round(reportMs),
        apply_100_ms: Math.round(applyMs),
      })}\n`,
    );
  } finally {
    await sandbox.stop();
    await rm(base, { recursive: true, force: true });
  }
}

await main();
