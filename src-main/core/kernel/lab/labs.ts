/**
 * The Lab: dry runs in a copy-on-write view of a workspace. A lab is opened over a live workspace
 * (its tree listed, nothing copied on Linux), commands run confined in it as they would live but
 * against the lab's own upper layer, with the network replaced by a recorder; its report says
 * what would change; apply writes only the accepted files (one audited act), discard removes the
 * upper layer. The live workspace is never written before apply.
 *
 * A lab is a folder of its own: lab.json (what it is, its commands and network attempts),
 * base.json (the live tree when it opened), upper/ and work/ (the overlay's layers) or copy/.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  access,
  chmod,
  chown,
  lstat,
  mkdir,
  readFile,
  readdir,
  realpath,
  rename,
  rm,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { Cell0Error, isCell0Error } from '../../protocol/errors.js';
import {
  labSchema,
  type Lab,
  type LabApplyResult,
  type LabChange,
  type LabCommand,
  type LabNetworkAttempt,
  type LabReport,
} from '../../protocol/lab-entities.js';
import type { Logger } from '../../base/logger.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { EgressAttempt } from '../network/egress-proxy.js';
import { formatTarget } from '../network/host-patterns.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { checkWorkspace } from '../sandbox/workspace.js';
import type { Limits, RunOptions, RunResult } from '../types.js';
import { applyChanges, checkWorkspaceStill, selectChanges } from './apply.js';
import { computeChanges } from './changes.js';
import { listMerged, UNSHARE, type OverlayLayers } from './overlay.js';
import { freeBytes, listTree, type Tree, type TreeEntry } from './tree-listing.js';

export interface LabsOptions {
  /** Where labs live; the sandbox user must be able to pass through it (see defaultLabsRoot). */
  root: string;
  sandbox: Sandbox;
  logger: Logger;
  /** The signed audit log; apply and discard are recorded there. Without it (tests), they are not. */
  audit?: Pick<AuditLog, 'append'> | undefined;
  platform?: NodeJS.Platform;
  /** A lab opened, ran, filled, or closed (the window's changeset follows it). */
  onChange?: (lab: Lab) => void;
}

export interface OpenLabOptions {
  workspace: string;
  origin?: Lab['origin'];
  conversationId?: string | null;
  netRecord?: boolean;
  /** The size cap of the lab's changes; default half the free disk, at most 10 GiB. */
  maxBytes?: number;
}

export interface LabRunSpec {
  argv: string[];
  toolCallId?: string | null;
  stdin?: string;
  tty?: boolean;
  limits?: Partial<Limits>;
}

/** Labs live beside the workspaces, where the sandbox user can reach them (see defaultWorkspaceRoot). */
export function defaultLabsRoot(dataDir: string, uid = process.getuid?.()): string {
  if (uid !== 0) return join(dataDir, 'labs');
  return join('/var/lib/cell0/labs', createHash('sha256').update(dataDir).digest('hex').slice(0, 16));
}

const GIB = 1024 ** 3;

/** What lab.json holds. */
interface LabEntry {
  lab: Lab;
  commands: LabCommand[];
  network: LabNetworkAttempt[];
}
const LAB_ID = /^lab-[0-9a-f]{12}$/;

function readable(entry: TreeEntry, account: { uid: number; gid: number }): boolean {
  if (account.uid === 0 || entry.type === 'symlink') return true;
  const need = entry.type === 'dir' ? 5 : 4;
  const bits =
    entry.uid === account.uid
      ? (entry.mode >> 6) & 7
      : entry.gid === account.gid
        ? (entry.mode >> 3) & 7
        : entry.mode & 7;
  return (bits & need) === need;
}

function times(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}

/** "would have contacted api.example.com:443 twice (CONNECT)". */
export function summarizeNetwork(attempts: LabNetworkAttempt[]): string[] {
  const byTarget = new Map<string, LabNetworkAttempt[]>();
  for (const a of attempts) {
    const key = formatTarget(a.host, a.port);
    byTarget.set(key, [...(byTarget.get(key) ?? []), a]);
  }
  return [...byTarget].map(([target, list]) => {
    const asked = [...new Set(list.filter((a) => a.method).map((a) => `${a.method} ${a.path ?? ''}`.trim()))];
    return `would have contacted ${target} ${times(list.length)}${asked.length ? ` (${asked.slice(0, 5).join(', ')})` : ''}`;
  });
}

export class Labs {
  private readonly root: string;
  private readonly sandbox: Sandbox;
  private readonly logger: Logger;
  private readonly audit: LabsOptions['audit'];
  private readonly platform: NodeJS.Platform;
  private readonly onChange: (lab: Lab) => void;
  /**
   * Labs with a command running, shared by concurrent runs (a swarm's workers in one lab); any
   * other lab is read from its folder each time, so the CLI and the app see each other's changes.
   */
  /**
   * Labs with runs going: their entry, how many runs hold it, and the end of their queue. A lab's
   * runs take turns: two overlay mounts sharing one upper layer is undefined behaviour (a swarm's
   * parallel workers lost a file that way).
   */
  private readonly active = new Map<string, { entry: LabEntry; runs: number; tail: Promise<unknown> }>();
  private overlayWorks: Promise<boolean> | null = null;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(options: LabsOptions) {
    this.root = options.root;
    this.sandbox = options.sandbox;
    this.logger = options.logger;
    this.audit = options.audit;
    this.platform = options.platform ?? process.platform;
    this.onChange = options.onChange ?? (() => undefined);
  }

  // ---------------------------------------------------------------- opening

  async open(options: OpenLabOptions): Promise<Lab> {
    const workspace = checkWorkspace(options.workspace);
    let info;
    try {
      info = await lstat(workspace);
    } catch {
      throw new Cell0Error('BAD_PARAMS', `the workspace ${workspace} does not exist`);
    }
    if (info.isSymbolicLink()) {
      throw new Cell0Error(
        'LAB_WORKSPACE_SYMLINK',
        `the workspace ${workspace} is itself a symlink: open the lab over the folder it points to (${await realpath(workspace).catch(() => 'unresolvable')})`,
      );
    }
    if (!info.isDirectory()) throw new Cell0Error('BAD_PARAMS', `the workspace ${workspace} is not a folder`);
    const realWorkspace = await realpath(workspace);
    checkWorkspace(realWorkspace);
    // Listing the tree is the whole cost of opening; the rest is done meanwhile.
    await mkdir(this.root, { recursive: true, mode: 0o755 });
    const [base, overlay, free] = await Promise.all([
      listTree(realWorkspace, this.platform),
      this.canOverlay(),
      freeBytes(this.root),
    ]);
    const account = this.sandbox.account();
    const unreadable = [...base].filter(([, e]) => !readable(e, account)).map(([p]) => p);
    if (!readable({ ...this.entryOf(info), type: 'dir' }, account)) unreadable.unshift('the folder itself');
    if (unreadable.length > 0) {
      throw new Cell0Error(
        'LAB_UNREADABLE',
        `the sandbox user (uid ${account.uid}) cannot read ${unreadable.length} ${unreadable.length === 1 ? 'entry' : 'entries'} of ${workspace}: ` +
          `${unreadable.slice(0, 5).join(', ')}${unreadable.length > 5 ? ', …' : ''}. A lab sees what its tools would see: make them readable to it (or give them to it) and open the lab again`,
      );
    }
    const method: Lab['method'] = overlay ? 'overlay' : this.platform === 'darwin' ? 'clone' : 'copy';
    const id = `lab-${randomBytes(6).toString('hex')}`;
    const dir = join(this.root, id);
    await mkdir(this.root, { recursive: true, mode: 0o755 });
    await chmod(this.root, 0o755).catch(() => undefined);
    await mkdir(dir, { mode: 0o711 });
    const maxBytes =
      options.maxBytes ??
      Math.max(64 * 1024 ** 2, Math.min(10 * GIB, free === null ? 10 * GIB : Math.floor(free / 2)));
    if (method === 'overlay') {
      await mkdir(join(dir, 'upper'));
      await mkdir(join(dir, 'work'), { mode: 0o700 });
      await mkdir(join(dir, 'merged'), { mode: 0o755 });
      // The merged view's root takes the upper layer's owner and mode: the workspace's own.
      await chown(join(dir, 'upper'), info.uid, info.gid);
      await chmod(join(dir, 'upper'), info.mode & 0o7777);
    } else {
      await this.copyTree(realWorkspace, join(dir, 'copy'), method);
    }
    const lab: Lab = {
      id,
      workspace,
      realWorkspace,
      method,
      state: 'open',
      origin: options.origin ?? 'cli',
      conversationId: options.conversationId ?? null,
      netRecord: options.netRecord ?? false,
      createdAt: Date.now(),
      closedAt: null,
      baseEntries: base.size,
      maxBytes,
      problem: null,
    };
    await writeFile(join(dir, 'base.json'), JSON.stringify([...base]));
    await this.save({ lab, commands: [], network: [] });
    return lab;
  }

  private entryOf(info: Awaited<ReturnType<typeof lstat>>): TreeEntry {
    return {
      type: info.isDirectory() ? 'dir' : 'file',
      mode: Number(info.mode) & 0o7777,
      size: Number(info.size),
      mtimeMs: Number(info.mtimeMs),
      uid: Number(info.uid),
      gid: Number(info.gid),
      target: null,
    };
  }

  /** Kernel overlayfs in a private mount namespace, tried once with a real mount. */
  private canOverlay(): Promise<boolean> {
    if (this.platform !== 'linux') return Promise.resolve(false);
    this.overlayWorks ??= (async () => {
      try {
        await access(UNSHARE);
      } catch {
        return false;
      }
      const trial = join(this.root, `.trial-${randomBytes(4).toString('hex')}`);
      try {
        await mkdir(this.root, { recursive: true, mode: 0o755 });
        for (const d of ['lower', 'upper', 'work', 'merged'])
          await mkdir(join(trial, d), { recursive: true });
        const layers = {
          lower: join(trial, 'lower'),
          upper: join(trial, 'upper'),
          work: join(trial, 'work'),
          merged: join(trial, 'merged'),
        };
        await listMerged(layers, this.sandbox.asRoot());
        return true;
      } catch (err) {
        this.logger.warn('lab: overlayfs is not available here, labs copy the workspace instead', err);
        return false;
      } finally {
        await rm(trial, { recursive: true, force: true });
      }
    })();
    return this.overlayWorks;
  }

  private copyTree(from: string, to: string, method: Lab['method']): Promise<void> {
    const args = method === 'clone' ? ['-c', '-R', '-p', from, to] : ['-a', from, to];
    return new Promise((resolve, reject) =>
      execFile('cp', args, (err, _out, stderr) =>
        err
          ? reject(
              new Cell0Error(
                'LAB_UNAVAILABLE',
                `the lab could not copy the workspace: ${stderr || err.message}`,
              ),
            )
          : resolve(),
      ),
    );
  }

  // ---------------------------------------------------------------- running

  /** Runs one command confined in the lab; the live workspace is not written. */
  async run(id: string, spec: LabRunSpec, options: RunOptions = {}): Promise<RunResult> {
    const entry = await this.load(id);
    const held = this.active.get(id) ?? { entry, runs: 0, tail: Promise.resolve() };
    held.runs++;
    this.active.set(id, held);
    const turn = held.tail.then(() => this.runHeld(held.entry, spec, options));
    held.tail = turn.catch(() => undefined);
    try {
      return await turn;
    } finally {
      if (--held.runs === 0) this.active.delete(id);
    }
  }

  private async runHeld(entry: LabEntry, spec: LabRunSpec, options: RunOptions): Promise<RunResult> {
    const id = entry.lab.id;
    const { lab } = entry;
    if (lab.state === 'full') throw new Cell0Error('LAB_FULL', lab.problem ?? 'the lab is full');
    if (lab.state !== 'open') throw new Cell0Error('LAB_CLOSED', `the lab ${id} was already ${lab.state}`);
    const dir = join(this.root, id);
    const limits = {
      ...spec.limits,
      fileSizeBytes: Math.min(spec.limits?.fileSizeBytes ?? 100 * 1024 ** 2, lab.maxBytes),
    };
    const result = await this.sandbox.run(
      {
        argv: spec.argv,
        workspace: lab.method === 'overlay' ? lab.workspace : join(dir, 'copy'),
        network: lab.netRecord,
        ...(lab.netRecord
          ? {
              egress: {
                rules: { mode: 'record' as const, anyPublic: false, hosts: [] },
                onAttempt: (attempt: EgressAttempt) => this.recordAttempt(entry, attempt),
              },
            }
          : {}),
        ...(lab.method === 'overlay' ? { overlay: this.layers(lab) } : {}),
        ...(spec.stdin !== undefined ? { stdin: spec.stdin } : {}),
        ...(spec.tty ? { tty: true } : {}),
        limits,
      },
      options,
    );
    entry.commands.push({
      argv: spec.argv,
      toolCallId: spec.toolCallId ?? null,
      exitCode: result.exitCode,
      signal: result.signal,
      output: result.output,
      truncated: result.truncated,
      durationMs: result.durationMs,
      at: Date.now(),
    });
    await this.checkSize(entry, result);
    await this.save(entry);
    return result;
  }

  /** A fetch_url call in a lab: recorded, not made. */
  async recordFetch(id: string, url: string): Promise<LabNetworkAttempt> {
    const entry = await this.load(id);
    const parsed = new URL(url);
    const attempt: LabNetworkAttempt = {
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80,
      via: 'fetch_url',
      method: 'GET',
      path: `${parsed.pathname}${parsed.search}`,
      at: Date.now(),
    };
    entry.network.push(attempt);
    await this.save(entry);
    return attempt;
  }

  private recordAttempt(entry: LabEntry, attempt: EgressAttempt): void {
    entry.network.push({
      host: attempt.host,
      port: attempt.port,
      via: attempt.via,
      method: attempt.method,
      path: attempt.path,
      at: Date.now(),
    });
  }

  /** The lab's changes outgrew its cap, or the disk filled: it keeps no more and says so. */
  private async checkSize(entry: { lab: Lab }, result: RunResult): Promise<void> {
    const { lab } = entry;
    const dir = join(this.root, lab.id, lab.method === 'overlay' ? 'upper' : 'copy');
    let used = 0;
    for (const e of (await listTree(dir, this.platform)).values()) if (e.type === 'file') used += e.size;
    const noSpace =
      /No space left on device|File size limit exceeded/i.test(result.output) || result.limit === 'file-size';
    const free = await freeBytes(dir);
    if (
      used > lab.maxBytes ||
      (noSpace && (used >= lab.maxBytes * 0.9 || (free !== null && free < 64 * 1024 ** 2))) ||
      (noSpace && result.limit === 'file-size')
    ) {
      lab.state = 'full';
      lab.problem =
        `the lab's changes reached its cap (${Math.round(used / 1024 ** 2)} MB of ${Math.round(lab.maxBytes / 1024 ** 2)} MB) or the disk filled: ` +
        'the last command did not finish its writes, nothing was applied, and the live workspace is untouched. Review and apply part of it, or discard it';
    }
  }

  private layers(lab: Lab): OverlayLayers {
    const dir = join(this.root, lab.id);
    return {
      lower: lab.realWorkspace,
      upper: join(dir, 'upper'),
      work: join(dir, 'work'),
      merged: join(dir, 'merged'),
    };
  }

  // ---------------------------------------------------------------- reading

  async list(): Promise<Lab[]> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    const labs: Lab[] = [];
    for (const name of names.filter((n) => LAB_ID.test(n))) {
      try {
        labs.push((await this.load(name)).lab);
      } catch (err) {
        this.logger.warn(`lab: ${name} could not be read`, err);
      }
    }
    return labs.sort((a, b) => b.createdAt - a.createdAt);
  }

  async get(id: string): Promise<Lab> {
    return (await this.load(id)).lab;
  }

  /** What the lab would change, its commands' output and its network attempts. */
  async report(id: string): Promise<LabReport> {
    const entry = await this.load(id);
    const { lab } = entry;
    const changes = lab.state === 'open' || lab.state === 'full' ? await this.changes(lab) : [];
    return {
      lab,
      changes,
      commands: entry.commands,
      network: entry.network,
      networkSummary: summarizeNetwork(entry.network),
    };
  }

  private async changes(lab: Lab): Promise<LabChange[]> {
    const dir = join(this.root, lab.id);
    const base: Tree = new Map(
      JSON.parse(await readFile(join(dir, 'base.json'), 'utf8')) as [string, TreeEntry][],
    );
    if (lab.method === 'overlay') {
      try {
        await access(lab.realWorkspace);
      } catch {
        throw new Cell0Error(
          'LAB_WORKSPACE_GONE',
          `the lab's workspace ${lab.workspace} no longer exists: its changes cannot be compared. Discard the lab`,
        );
      }
      const upperDir = join(dir, 'upper');
      const upper = await listTree(upperDir, this.platform);
      const now = await listMerged(this.layers(lab), this.sandbox.asRoot());
      return computeChanges(base, now, {
        live: lab.realWorkspace,
        labFile: (path) => join(upperDir, path),
        touched: (path, before, after) => {
          const inUpper = upper.get(path);
          if (!inUpper || inUpper.type === 'device') return false;
          return after.type !== 'dir' || before.mode !== after.mode || before.type !== after.type;
        },
      });
    }
    const copy = join(dir, 'copy');
    const now = await listTree(copy, this.platform);
    return computeChanges(base, now, {
      live: lab.realWorkspace,
      labFile: (path) => join(copy, path),
      touched: (_path, before, after) =>
        before.type !== after.type ||
        before.mode !== after.mode ||
        before.size !== after.size ||
        Math.abs(before.mtimeMs - after.mtimeMs) > 1 ||
        before.target !== after.target,
    });
  }

  // ---------------------------------------------------------------- deciding

  /** Applies the accepted files (all, or `only`) as one audited act, then closes the lab. */
  async apply(id: string, only: readonly string[] | null = null): Promise<LabApplyResult> {
    const entry = await this.load(id);
    const { lab } = entry;
    if (lab.state !== 'open' && lab.state !== 'full')
      throw new Cell0Error('LAB_CLOSED', `the lab ${id} was already ${lab.state}`);
    const target = {
      workspace: lab.workspace,
      realWorkspace: lab.realWorkspace,
      labFile: (path: string) => join(this.root, id, lab.method === 'overlay' ? 'upper' : 'copy', path),
      chownNew: this.sandbox.asRoot(),
    };
    await checkWorkspaceStill(target);
    const changes = await this.changes(lab);
    const selected = selectChanges(changes, only);
    const rejected = changes.filter((c) => !selected.includes(c)).map((c) => c.path);
    const applied = await applyChanges(target, changes, selected).catch(async (err: unknown) => {
      if (isCell0Error(err) && ['LAB_CONFLICT', 'LAB_REFUSED', 'LAB_WORKSPACE_GONE'].includes(err.code))
        throw err;
      await this.record(
        lab,
        'lab.apply',
        { files: selected.map((c) => c.path) },
        `apply failed part-way: ${String(err)}`,
      );
      throw err;
    });
    const auditSeq = await this.record(
      lab,
      'lab.apply',
      { files: applied, rejected },
      `applied ${applied.length} of ${changes.length} changes of ${id} to ${lab.workspace}${rejected.length ? ` (${rejected.length} rejected)` : ''}`,
    );
    await this.close(entry, 'applied');
    return { labId: id, applied, rejected, auditSeq };
  }

  /** Throws the lab away: its upper layer (or copy) is removed, the live workspace untouched. */
  async discard(id: string): Promise<Lab> {
    const entry = await this.load(id);
    if (entry.lab.state === 'applied' || entry.lab.state === 'discarded') {
      throw new Cell0Error('LAB_CLOSED', `the lab ${id} was already ${entry.lab.state}`);
    }
    await this.record(entry.lab, 'lab.discard', {}, `discarded ${id} over ${entry.lab.workspace}`);
    await this.close(entry, 'discarded');
    return entry.lab;
  }

  private async record(
    lab: Lab,
    kind: 'lab.apply' | 'lab.discard',
    args: object,
    outcome: string,
  ): Promise<number | null> {
    if (!this.audit) return null;
    const record = await this.audit.append({
      actor: 'owner',
      kind,
      tool: 'lab',
      args: { labId: lab.id, workspace: lab.workspace, ...args },
      outcome,
      conversationId: lab.conversationId,
    });
    return record.seq;
  }

  private async close(entry: LabEntry, state: 'applied' | 'discarded'): Promise<void> {
    entry.lab.state = state;
    entry.lab.closedAt = Date.now();
    await this.save(entry);
    const dir = join(this.root, entry.lab.id);
    for (const layer of ['upper', 'work', 'merged', 'copy']) {
      await rm(join(dir, layer), { recursive: true, force: true });
    }
  }

  // ---------------------------------------------------------------- storage

  private async load(id: string): Promise<LabEntry> {
    const held = this.active.get(id);
    if (held) return held.entry;
    if (!LAB_ID.test(id)) throw new Cell0Error('NOT_FOUND', `no lab ${id} (see cell0 lab list)`);
    let raw: string;
    try {
      raw = await readFile(join(this.root, id, 'lab.json'), 'utf8');
    } catch {
      throw new Cell0Error('NOT_FOUND', `no lab ${id} (see cell0 lab list)`);
    }
    const data = JSON.parse(raw) as { lab: unknown; commands: LabCommand[]; network: LabNetworkAttempt[] };
    return { lab: labSchema.parse(data.lab), commands: data.commands, network: data.network };
  }

  private save(entry: LabEntry): Promise<void> {
    const file = join(this.root, entry.lab.id, 'lab.json');
    const write = this.writes.then(async () => {
      const tmp = `${file}.${randomBytes(4).toString('hex')}`;
      await writeFile(tmp, JSON.stringify(entry), { mode: 0o600 });
      await rename(tmp, file);
      this.onChange({ ...entry.lab });
    });
    this.writes = write.catch(() => undefined);
    return write;
  }
}
