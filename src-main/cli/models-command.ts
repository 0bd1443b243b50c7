import { parseArgs } from 'node:util';
import { formatBytes } from '../core/agents/local/bytes.js';
import { LocalModels } from '../core/agents/local/local-models.js';
import { defaultDataDir } from '../core/base/paths.js';
import { isCell0Error } from '../core/protocol/errors.js';
import type { DownloadProgress, LocalModel } from '../core/protocol/local-model-entities.js';

const USAGE = `Usage: cell0 models <command>

Commands:
  list                 The catalog and the models on this computer, with size, memory and state
  pull NAME|URL|FILE   Download a catalog model (or any GGUF URL, or copy a GGUF file) into the
                       data directory, resume a paused or cut download, check its SHA-256
    --name NAME        The name to give a model pulled from a URL or a file
  remove NAME          Delete a model's file, its partial download and its record

Models live in the data directory (CELL0_HOME); a running Cell 0 sees what these commands change.
Use a pulled chat model with \`cell0 ask --model local:NAME TEXT\`.`;

function usageError(message: string): void {
  process.stderr.write(`cell0 models: ${message}\n\n${USAGE}\n`);
  process.exitCode = 2;
}

function fail(err: unknown): void {
  process.stderr.write(
    `cell0 models: ${isCell0Error(err) ? err.message : err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exitCode = 1;
}

function open(): LocalModels {
  return new LocalModels({
    dataDir: defaultDataDir(),
    ...(process.env.CELL0_MODEL_CATALOG ? { catalogFile: process.env.CELL0_MODEL_CATALOG } : {}),
    progressEveryMs: 200,
  });
}

const pad = (text: string, width: number) => text.padEnd(width);

async function list(): Promise<void> {
  const models = open();
  const installed = new Map((await models.list()).map((m) => [m.name, m]));
  const rows = models.catalog.entries.map((e) => ({
    name: e.name,
    kind: e.kind,
    size: formatBytes(e.sizeBytes),
    memory: formatBytes(e.memoryBytes),
    state: installed.get(e.name)?.state ?? '-',
    licence: e.licence,
  }));
  for (const m of installed.values()) {
    if (models.catalog.find(m.name)) continue;
    rows.push({
      name: m.name,
      kind: m.kind,
      size: m.sizeBytes === null ? '?' : formatBytes(m.sizeBytes),
      memory: '?',
      state: m.state,
      licence: '(from a URL or file)',
    });
  }
  const widths = { name: Math.max(4, ...rows.map((r) => r.name.length)) + 2 };
  process.stdout.write(
    `${pad('NAME', widths.name)}${pad('KIND', 11)}${pad('SIZE', 9)}${pad('MEMORY', 9)}${pad('STATE', 12)}LICENCE\n`,
  );
  for (const r of rows) {
    process.stdout.write(
      `${pad(r.name, widths.name)}${pad(r.kind, 11)}${pad(r.size, 9)}${pad(r.memory, 9)}${pad(r.state, 12)}${r.licence}\n`,
    );
  }
  const machine = await models.machine();
  process.stdout.write(
    `\nThis computer: ${formatBytes(machine.totalMemoryBytes)} of memory, ${machine.accelerator === 'cpu' ? 'CPU only' : machine.accelerator.toUpperCase()}` +
      (machine.recommendedChat ? `; suggested chat model: ${machine.recommendedChat}` : '') +
      '\n',
  );
  await models.stop();
}

function progressLine(name: string, p: DownloadProgress): string {
  const share = p.totalBytes ? `${Math.floor((p.receivedBytes / p.totalBytes) * 100)}% ` : '';
  const of = p.totalBytes ? ` of ${formatBytes(p.totalBytes)}` : '';
  const speed = p.bytesPerSecond > 0 ? ` · ${formatBytes(p.bytesPerSecond)}/s` : '';
  const left = p.secondsLeft !== null && p.secondsLeft > 0 ? ` · ${formatDuration(p.secondsLeft)} left` : '';
  return `${name}: ${share}${formatBytes(p.receivedBytes)}${of}${speed}${left}`;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

async function pull(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { name: { type: 'string' } },
    allowPositionals: true,
  });
  const [target, extra] = positionals;
  if (!target) return usageError('pull needs a model name, a GGUF URL or a file');
  if (extra) return usageError(`unexpected argument "${extra}"`);
  const isSource =
    /^https?:\/\//i.test(target) ||
    /^file:\/\//i.test(target) ||
    target.startsWith('/') ||
    target.startsWith('.');
  const tty = process.stderr.isTTY === true;
  let lastShare = -1;
  let name = '';
  const models = new LocalModels({
    dataDir: defaultDataDir(),
    ...(process.env.CELL0_MODEL_CATALOG ? { catalogFile: process.env.CELL0_MODEL_CATALOG } : {}),
    progressEveryMs: tty ? 200 : 1000,
    onChange: (m: LocalModel) => {
      if (m.name !== name) return;
      if (m.state === 'downloading' && m.progress) {
        const line = progressLine(m.name, m.progress);
        if (tty) process.stderr.write(`\r\x1b[2K${line}`);
        else {
          // Without a terminal, a line per tenth is enough for a log.
          const share = m.progress.totalBytes
            ? Math.floor((m.progress.receivedBytes / m.progress.totalBytes) * 10)
            : 0;
          if (share !== lastShare) process.stderr.write(`${line}\n`);
          lastShare = share;
        }
      } else if (m.state === 'verifying') {
        process.stderr.write(`${tty ? '\r\x1b[2K' : ''}${m.name}: checking the SHA-256…\n`);
      }
    },
  });
  const source = isSource ? (target.startsWith('.') ? `${process.cwd()}/${target}` : target) : undefined;
  const interrupt = () => {
    process.stderr.write(`\n${name}: pausing… (run the same command to resume)\n`);
    void models.pause(name).catch(() => undefined);
  };
  try {
    const started = await models.pull({
      ...(source ? { source } : { name: target }),
      ...(source && values.name ? { name: values.name } : {}),
    });
    name = started.name;
    if (started.state === 'ready') {
      process.stdout.write(`${name} is already on this computer.\n`);
      return;
    }
    process.once('SIGINT', interrupt);
    const done = await models.settled(name);
    process.off('SIGINT', interrupt);
    if (done.state === 'ready') {
      const tools = done.kind === 'chat' ? (done.supportsTools ? ', calls tools' : ', no tool calls') : '';
      process.stdout.write(
        `${name} is ready (${done.kind}, ${formatBytes(done.sizeBytes ?? 0)}${tools}; SHA-256 ${done.checksumPublished ? 'matches the published one' : `${done.sha256?.slice(0, 16)}…, none was published`}).\n`,
      );
      if (done.kind === 'chat') process.stdout.write(`Try: cell0 ask --model local:${name} "Hello"\n`);
    } else if (done.state === 'paused') {
      process.exitCode = 130;
    } else {
      process.stderr.write(`cell0 models: ${done.error?.message ?? `${name} could not be installed.`}\n`);
      process.exitCode = 1;
    }
  } catch (err) {
    fail(err);
  } finally {
    process.off('SIGINT', interrupt);
    await models.stop();
  }
}

async function remove(args: string[]): Promise<void> {
  const [name, extra] = args;
  if (!name) return usageError('remove needs a model name');
  if (extra) return usageError(`unexpected argument "${extra}"`);
  const models = open();
  try {
    await models.remove(name);
    process.stdout.write(`Removed ${name}.\n`);
  } catch (err) {
    fail(err);
  } finally {
    await models.stop();
  }
}

/** `cell0 models …`. Sets process.exitCode rather than exiting, so output is flushed and tests can call it. */
export async function modelsCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (sub === 'list') return rest.length ? usageError(`unexpected argument "${rest[0]}"`) : list();
  if (sub === 'pull') return pull(rest);
  if (sub === 'remove') return remove(rest);
  usageError(`unknown subcommand "${sub}"`);
}
