/**
 * `cell0 lab …`: dry runs in a copy-on-write lab. `run` confines a command in a lab over a
 * workspace and prints what it would change (diffs, network attempts); the workspace is not
 * touched. `apply` writes the accepted files (one signed audit record), `discard` throws it away.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../core/base/logger.js';
import { defaultDataDir } from '../core/base/paths.js';
import { EventBus } from '../core/base/event-bus.js';
import { AuditLog } from '../core/kernel/audit/audit-log.js';
import { defaultLabsRoot, Labs } from '../core/kernel/lab/labs.js';
import { Sandbox } from '../core/kernel/sandbox/sandbox.js';
import { IdentityService } from '../core/identity/identity-service.js';
import { Keychain } from '../core/identity/keychain.js';
import { StorageService } from '../core/storage/storage-service.js';
import { isCell0Error } from '../core/protocol/errors.js';
import type { Lab, LabChange, LabReport } from '../core/protocol/lab-entities.js';

export const LAB_USAGE = `Usage: cell0 lab <command>

Commands:
  run [--workspace DIR] [--net-record] -- COMMAND [ARGS...]
                     Run COMMAND confined in a lab over DIR (default: the current folder): a
                     copy-on-write view, DIR itself is never written. Prints every change it would
                     make (with diffs), its network attempts, and the lab's id
    --net-record     Give the command a proxy that records every connection and refuses it
                     (without it the lab has no network at all)
  apply ID [--only PATH]...
                     Write the lab's changes (or only these paths) into the workspace: refused when
                     a file changed there since the lab opened, or is a symlink out, a device, a
                     FIFO or setuid. One signed audit record
  discard ID         Throw the lab away (its upper layer is removed)
  list               The labs, newest first
  show ID [--json]   A lab's report again`;

/** The status of `run` when the lab itself failed (as `env` and `cell0 sandbox` use it). */
const LAB_ERROR_EXIT = 125;

function usage(message: string): void {
  process.stderr.write(`cell0 lab: ${message}\n\n${LAB_USAGE}\n`);
  process.exitCode = 2;
}

function fail(err: unknown): void {
  const message = isCell0Error(err)
    ? `${err.message} [${err.code}]`
    : err instanceof Error
      ? err.message
      : String(err);
  process.stderr.write(`cell0 lab: ${message}\n`);
  process.exitCode = LAB_ERROR_EXIT;
}

function bytes(n: number): string {
  return n < 1024
    ? `${n} B`
    : n < 1024 ** 2
      ? `${(n / 1024).toFixed(1)} KB`
      : `${(n / 1024 ** 2).toFixed(1)} MB`;
}

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(3, '0');

/** One line per change: what happened to the path, then its details. */
export function changeLine(c: LabChange): string {
  const after = c.after;
  const before = c.before;
  const parts: string[] = [];
  if (c.kind === 'renamed') parts.push(`renamed   ${c.from} → ${c.path}`);
  else parts.push(`${c.kind.padEnd(9)} ${c.path}${after?.type === 'dir' ? '/' : ''}`);
  if (after?.type === 'symlink') parts.push(`symlink → ${after.target}`);
  else if (after && after.type !== 'file' && after.type !== 'dir') parts.push(after.type);
  if (c.binary && c.contentChanged) {
    const was = before ? `${bytes(before.size)} ${before.sha256?.slice(0, 12) ?? ''}`.trim() : '';
    const now = after ? `${bytes(after.size)} ${after.sha256?.slice(0, 12) ?? ''}`.trim() : '';
    parts.push(`binary ${was ? `${was} → ` : ''}${now || 'gone'}`);
  } else if (c.kind === 'created' && after?.type === 'file') parts.push(bytes(after.size));
  if (c.modeChanged && before && after) parts.push(`mode ${octal(before.mode)} → ${octal(after.mode)}`);
  if (c.refused) parts.push(`REFUSED: ${c.refused}`);
  if (c.conflict) parts.push(`CONFLICT: ${c.conflict}`);
  return parts.join(' · ');
}

function labLine(lab: Lab): string {
  const when = new Date(lab.createdAt).toISOString().replace('T', ' ').slice(0, 19);
  return `${lab.id}  ${lab.state.padEnd(9)} ${when}  ${lab.method.padEnd(7)} ${lab.workspace}`;
}

/** The report as the terminal shows it: changes, diffs, commands, network, what to do next. */
export function formatReport(report: LabReport, options: { outputs: boolean }): string {
  const { lab } = report;
  const out: string[] = [`Lab ${lab.id} over ${lab.workspace} (${lab.method}) · ${lab.state}`];
  if (lab.problem) out.push(`Problem: ${lab.problem}`);
  if (options.outputs) {
    for (const c of report.commands) {
      out.push('', `$ ${c.argv.join(' ')}`, c.output.trimEnd());
      out.push(`[${c.signal ? `killed by ${c.signal}` : `exit ${c.exitCode}`} · ${c.durationMs} ms]`);
    }
  }
  out.push('');
  if (lab.state === 'applied' || lab.state === 'discarded') {
    out.push(`This lab was ${lab.state}.`);
    return `${out.join('\n')}\n`;
  }
  out.push(report.changes.length === 0 ? 'No changes.' : `Changes (${report.changes.length}):`);
  for (const c of report.changes) out.push(`  ${changeLine(c)}`);
  const diffs = report.changes.filter((c) => c.diff);
  if (diffs.length > 0) out.push('', ...diffs.map((c) => c.diff!.trimEnd()));
  out.push('', report.network.length === 0 ? 'Network: no attempts.' : 'Network (recorded, refused):');
  for (const line of report.networkSummary) out.push(`  ${line}`);
  out.push(
    '',
    `Lab id: ${lab.id}`,
    `Apply: cell0 lab apply ${lab.id} [--only PATH]...   Discard: cell0 lab discard ${lab.id}`,
  );
  return `${out.join('\n')}\n`;
}

function labs(sandbox: Sandbox, audit?: AuditLog): Labs {
  return new Labs({ root: defaultLabsRoot(defaultDataDir()), sandbox, logger: createLogger(), audit });
}

/** The signed audit log of the data directory (the keychain holds its key), for apply and discard. */
async function withAudit<T>(work: (audit: AuditLog) => Promise<T>): Promise<T> {
  const logger = createLogger();
  const bus = new EventBus({ logger });
  const storage = new StorageService(defaultDataDir());
  await storage.start();
  const identity = new IdentityService({
    keychain: new Keychain(process.env.CELL0_KEYCHAIN_SERVICE),
    db: storage.db,
    bus,
    logger,
  });
  const audit = new AuditLog({ db: storage.db, identity, bus });
  try {
    await identity.start();
    await audit.start();
    return await work(audit);
  } finally {
    await audit.stop();
    await identity.stop();
    await storage.stop();
  }
}

async function run(args: string[]): Promise<void> {
  const dashes = args.indexOf('--');
  if (dashes === -1) return usage('put the command after --: cell0 lab run [OPTIONS] -- COMMAND [ARGS...]');
  let parsed;
  try {
    parsed = parseArgs({
      args: args.slice(0, dashes),
      options: { workspace: { type: 'string' }, 'net-record': { type: 'boolean' } },
      strict: true,
    });
  } catch (err) {
    return usage((err as Error).message);
  }
  const argv = args.slice(dashes + 1);
  if (argv.length === 0) return usage('no command given after --');
  const sandbox = new Sandbox({ logger: createLogger() });
  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  process.once('SIGINT', onInterrupt);
  try {
    const lab = labs(sandbox);
    const opened = await lab.open({
      workspace: resolve(parsed.values.workspace ?? process.cwd()),
      netRecord: parsed.values['net-record'] === true,
    });
    process.stderr.write(
      `cell0 lab: ${opened.id} over ${opened.workspace} (${opened.method}); the workspace is not written\n`,
    );
    const result = await lab.run(
      opened.id,
      { argv },
      { onOutput: (chunk) => process.stdout.write(chunk), signal: abort.signal },
    );
    const report = await lab.report(opened.id);
    process.stdout.write(`\n${formatReport(report, { outputs: false })}`);
    if (report.lab.state === 'full') {
      process.stderr.write(`cell0 lab: ${report.lab.problem} [LAB_FULL]\n`);
      process.exitCode = 1;
    } else process.exitCode = result.exitCode ?? 1;
  } catch (err) {
    fail(err);
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    await sandbox.stop();
  }
}

export async function labCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === undefined) return usage('missing command');
  if (sub === '-h' || sub === '--help' || sub === 'help') {
    process.stdout.write(`${LAB_USAGE}\n`);
    return;
  }
  if (sub === 'run') return run(rest);
  const sandbox = new Sandbox({ logger: createLogger() });
  try {
    if (sub === 'list') {
      if (rest.length > 0) return usage(`unexpected argument "${rest[0]}"`);
      const all = await labs(sandbox).list();
      process.stdout.write(all.length === 0 ? 'No labs.\n' : `${all.map(labLine).join('\n')}\n`);
      return;
    }
    if (sub === 'show') {
      const parsed = parseArgs({
        args: rest,
        options: { json: { type: 'boolean' } },
        allowPositionals: true,
      });
      const [id, extra] = parsed.positionals;
      if (!id || extra) return usage('show takes one lab id');
      const report = await labs(sandbox).report(id);
      process.stdout.write(
        parsed.values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, { outputs: true }),
      );
      return;
    }
    if (sub === 'apply') {
      const parsed = parseArgs({
        args: rest,
        options: { only: { type: 'string', multiple: true } },
        allowPositionals: true,
      });
      const [id, extra] = parsed.positionals;
      if (!id || extra) return usage('apply takes one lab id');
      const only = parsed.values.only ?? null;
      const result = await withAudit((audit) => labs(sandbox, audit).apply(id, only));
      process.stdout.write(
        `Applied ${result.applied.length} ${result.applied.length === 1 ? 'change' : 'changes'} of ${id}` +
          `${result.rejected.length ? `, rejected ${result.rejected.length}` : ''} (audit record ${result.auditSeq ?? '-'})\n` +
          result.applied.map((p) => `  ${p}\n`).join(''),
      );
      return;
    }
    if (sub === 'discard') {
      const [id, extra] = rest;
      if (!id || extra) return usage('discard takes one lab id');
      await withAudit((audit) => labs(sandbox, audit).discard(id));
      process.stdout.write(`Discarded ${id}; the workspace was not touched.\n`);
      return;
    }
    return usage(`unknown command "${sub}"`);
  } catch (err) {
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      return usage(err.message);
    }
    fail(err);
    process.exitCode = 1;
  } finally {
    await sandbox.stop();
  }
}
