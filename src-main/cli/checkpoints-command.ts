/**
 * `cell0 checkpoints`: the checkpoint audit against the data directory (CELL0_HOME), without a
 * running app. A table (coloured on a terminal), or one JSON object with --json; exit 1 on a FAIL.
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import {
  CHECKPOINT_GROUPS,
  type CheckpointGroup,
  type CheckpointReport,
  type CheckpointStatus,
} from '../core/protocol/checkpoint-entities.js';

export const CHECKPOINTS_USAGE = `Usage: cell0 checkpoints [--json] [--fix] [--only GROUP]

Tries every security boundary of Cell 0 on this machine and says PASS, WARN, FAIL or SKIP with a fix:
escape attempts under the tool sandbox, the keychain, the identity and audit log, the data directory,
the gateway, channels, MCP servers, permission rules, providers and the network.
  --json        One JSON object: every checkpoint's id, group, status, detail and fix
  --fix         Apply the safe fixes (file modes, open channel policies to the allowlist) and say what changed
  --only GROUP  One group: ${CHECKPOINT_GROUPS.join(', ')}
Exit status: 0 no FAIL, 1 a FAIL, 2 usage error.`;

const COLOURS: Record<CheckpointStatus, string> = { PASS: '32', WARN: '33', FAIL: '31', SKIP: '90' };

function usage(message: string): void {
  process.stderr.write(`cell0 checkpoints: ${message}\n\n${CHECKPOINTS_USAGE}\n`);
  process.exitCode = 2;
}

export function formatTable(report: CheckpointReport, colour: boolean): string {
  const paint = (status: CheckpointStatus, text: string) =>
    colour ? `\x1b[${COLOURS[status]}m${text}\x1b[0m` : text;
  const width = Math.max(...report.checkpoints.map((c) => c.id.length), 10);
  const lines: string[] = [];
  let group = '';
  for (const c of report.checkpoints) {
    if (c.group !== group) {
      group = c.group;
      lines.push(colour ? `\x1b[1m${group}\x1b[0m` : group);
    }
    lines.push(`  ${paint(c.status, c.status.padEnd(4))}  ${c.id.padEnd(width)}  ${c.detail}`);
    if (c.fix && (c.status === 'FAIL' || c.status === 'WARN'))
      lines.push(`  ${' '.repeat(4)}  ${' '.repeat(width)}  fix: ${c.fix}`);
  }
  const { PASS, WARN, FAIL, SKIP } = report.counts;
  if (report.fixed.length > 0) {
    lines.push('', 'Fixed:');
    for (const f of report.fixed) lines.push(`  ${f}`);
  }
  lines.push(
    '',
    `${report.checkpoints.length} checkpoints: ${paint('PASS', `${PASS} PASS`)}, ${paint('WARN', `${WARN} WARN`)}, ${paint('FAIL', `${FAIL} FAIL`)}, ${paint('SKIP', `${SKIP} SKIP`)} in ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  return lines.join('\n');
}

export async function checkpointsCommand(args: string[]): Promise<void> {
  if (args[0] === '-h' || args[0] === '--help' || args[0] === 'help') {
    process.stdout.write(`${CHECKPOINTS_USAGE}\n`);
    return;
  }
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { json: { type: 'boolean' }, fix: { type: 'boolean' }, only: { type: 'string' } },
      strict: true,
    }));
  } catch (err) {
    return usage((err as Error).message);
  }
  const only = values.only;
  if (only !== undefined && !(CHECKPOINT_GROUPS as readonly string[]).includes(only))
    return usage(`unknown group "${only}"`);

  const [{ defaultDataDir }, { probeParts }, { runCheckpoints }, { writeLastRun }] = await Promise.all([
    import('../core/base/paths.js'),
    import('../core/checkpoints/probe-env.js'),
    import('../core/checkpoints/run-checkpoints.js'),
    import('../core/checkpoints/last-run.js'),
  ]);
  const dataDir = defaultDataDir();
  const parts = await probeParts({
    dataDir,
    runner: 'cli',
    ...(process.env.CELL0_KEYCHAIN_SERVICE ? { keychainService: process.env.CELL0_KEYCHAIN_SERVICE } : {}),
  });
  const live = !values.json && process.stderr.isTTY;
  let report: CheckpointReport;
  try {
    report = await runCheckpoints(parts, {
      only: (only as CheckpointGroup | undefined) ?? null,
      fix: values.fix === true,
      ...(live
        ? { onProgress: (done, total) => process.stderr.write(`\r  ${done}/${total} checkpoints…`) }
        : {}),
    });
  } finally {
    await parts.close();
  }
  if (live) process.stderr.write('\r\x1b[K');
  if (existsSync(dataDir)) await writeLastRun(dataDir, report).catch(() => undefined);
  const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : `${formatTable(report, colour)}\n`);
  process.exitCode = report.counts.FAIL > 0 ? 1 : 0;
}
