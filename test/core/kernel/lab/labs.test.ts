/**
 * The Lab on the real overlay: bubblewrap, kernel overlayfs in a private mount namespace, the
 * sandbox's unprivileged uid. The live tree is hashed whole before and after every lab run.
 */
import { createHash } from 'node:crypto';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../../../../src-main/core/kernel/sandbox/sandbox.js';
import { Labs, summarizeNetwork } from '../../../../src-main/core/kernel/lab/labs.js';
import { isCell0Error } from '../../../../src-main/core/protocol/errors.js';
import { silentLogger } from '../../../../src-main/core/base/logger.js';
import type { AuditEntry } from '../../../../src-main/core/kernel/audit/audit-record.js';

let sandbox: Sandbox;
let base: string;
let workspace: string;
let labs: Labs;
const audited: AuditEntry[] = [];

const rejectsWith = (code: string) => (err: unknown) => isCell0Error(err) && err.code === code;

/** Every path, type, mode, link target and content hash of a tree: what "untouched" means. */
async function treeHash(root: string): Promise<string> {
  const hash = createHash('sha256');
  const visit = async (rel: string): Promise<void> => {
    for (const name of (await readdir(join(root, rel))).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const info = await lstat(join(root, path));
      hash.update(`${path}\0${info.mode}\0${info.uid}\0${info.mtimeMs}\0`);
      if (info.isSymbolicLink()) hash.update(await readlink(join(root, path)));
      else if (info.isFile()) hash.update(await readFile(join(root, path)));
      else if (info.isDirectory()) await visit(path);
    }
  };
  await visit('');
  return hash.digest('hex');
}

beforeAll(async () => {
  sandbox = new Sandbox({ logger: silentLogger });
  await sandbox.start();
  base = await mkdtemp(join(tmpdir(), 'cell0-lab-test-'));
  await chmod(base, 0o711);
  labs = new Labs({
    root: join(base, 'labs'),
    sandbox,
    logger: silentLogger,
    audit: {
      append: (entry: AuditEntry) => {
        audited.push(entry);
        return Promise.resolve({ seq: audited.length } as never);
      },
    },
  });
});

afterAll(async () => {
  await sandbox.stop();
  await rm(base, { recursive: true, force: true });
});

let n = 0;
beforeEach(async () => {
  workspace = join(base, `ws${++n}`);
  await mkdir(join(workspace, 'src'), { recursive: true });
  await writeFile(join(workspace, 'README.md'), 'hello\nworld\n');
  await writeFile(join(workspace, 'src', 'main.js'), 'console.log(1);\n');
  await writeFile(join(workspace, 'old-name.txt'), 'move me\n');
  await writeFile(join(workspace, 'doomed.txt'), 'delete me\n');
  await writeFile(join(workspace, 'blob.bin'), Buffer.from([0, 1, 2, 3, 255]));
  await writeFile(join(workspace, 'run.sh'), '#!/bin/sh\necho hi\n');
  await sandbox.prepareWorkspace(workspace);
});

const sh = (id: string, script: string) => labs.run(id, { argv: ['/bin/sh', '-c', script] });

describe('a lab over the real overlay', () => {
  it('sees create, modify, delete, rename and chmod, and leaves the live tree as it was', async () => {
    const before = await treeHash(workspace);
    const lab = await labs.open({ workspace });
    expect(lab.method).toBe('overlay');
    const result = await sh(
      lab.id,
      [
        'echo new > created.txt',
        'printf "hello\\nthere\\n" > README.md',
        'rm doomed.txt',
        'mv old-name.txt new-name.txt',
        'chmod 755 run.sh',
        'printf "\\000\\001\\002" > blob.bin',
        'mkdir -p docs && echo doc > docs/a.md',
        'ln -s README.md link-in',
        'echo done',
      ].join(' && '),
    );
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('done');
    expect(await treeHash(workspace)).toBe(before);

    const report = await labs.report(lab.id);
    const byPath = new Map(report.changes.map((c) => [c.path, c]));
    expect(byPath.get('created.txt')).toMatchObject({ kind: 'created', after: { type: 'file', size: 4 } });
    expect(byPath.get('created.txt')!.diff).toContain('+new');
    const readme = byPath.get('README.md')!;
    expect(readme).toMatchObject({ kind: 'modified', contentChanged: true, binary: false });
    expect(readme.diff).toContain('-world');
    expect(readme.diff).toContain('+there');
    expect(byPath.get('doomed.txt')).toMatchObject({ kind: 'deleted', after: null });
    expect(byPath.get('new-name.txt')).toMatchObject({ kind: 'renamed', from: 'old-name.txt' });
    expect(byPath.has('old-name.txt')).toBe(false);
    expect(byPath.get('run.sh')).toMatchObject({
      kind: 'modified',
      modeChanged: true,
      contentChanged: false,
    });
    expect(byPath.get('run.sh')!.after!.mode).toBe(0o755);
    const blob = byPath.get('blob.bin')!;
    expect(blob).toMatchObject({ kind: 'modified', binary: true, diff: null });
    expect(blob.before!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(blob.after!.sha256).not.toBe(blob.before!.sha256);
    expect(blob.after!.size).toBe(3);
    expect(byPath.get('docs')).toMatchObject({ kind: 'created', after: { type: 'dir' } });
    expect(byPath.get('link-in')).toMatchObject({
      kind: 'created',
      after: { type: 'symlink', target: 'README.md' },
      refused: null,
    });
    expect(report.commands).toHaveLength(1);
    expect(report.commands[0]!.output).toContain('done');
    // Nothing of that reached the live tree, even after reading the report.
    expect(await treeHash(workspace)).toBe(before);
    await labs.discard(lab.id);
  });

  it('applies exactly the accepted files and nothing else, as one audited act', async () => {
    const lab = await labs.open({ workspace });
    await sh(
      lab.id,
      'echo a > keep.txt && echo b > drop.txt && echo changed > README.md && mv old-name.txt moved.txt',
    );
    const auditedBefore = audited.length;
    const result = await labs.apply(lab.id, ['keep.txt', 'moved.txt']);
    expect(result.applied).toEqual(['keep.txt', 'moved.txt']);
    expect(result.rejected.sort()).toEqual(['README.md', 'drop.txt']);
    expect(await readFile(join(workspace, 'keep.txt'), 'utf8')).toBe('a\n');
    expect(await readFile(join(workspace, 'moved.txt'), 'utf8')).toBe('move me\n');
    expect(existsSync(join(workspace, 'old-name.txt'))).toBe(false);
    expect(existsSync(join(workspace, 'drop.txt'))).toBe(false);
    expect(await readFile(join(workspace, 'README.md'), 'utf8')).toBe('hello\nworld\n');
    // New files belong to the workspace's owner (the sandbox user), not to root.
    expect((await lstat(join(workspace, 'keep.txt'))).uid).toBe((await lstat(workspace)).uid);
    expect(audited.slice(auditedBefore)).toHaveLength(1);
    expect(audited.at(-1)).toMatchObject({ kind: 'lab.apply', tool: 'lab' });
    expect(audited.at(-1)!.outcome).toMatch(/applied 2 of 4 changes/);
    // Applied: the lab is closed and its upper layer is gone.
    expect((await labs.get(lab.id)).state).toBe('applied');
    expect(existsSync(join(base, 'labs', lab.id, 'upper'))).toBe(false);
    await expect(labs.apply(lab.id)).rejects.toSatisfy(rejectsWith('LAB_CLOSED'));
  });

  it('applies deletions, mode changes and new folders when everything is accepted', async () => {
    const lab = await labs.open({ workspace });
    await sh(lab.id, 'rm doomed.txt && chmod 700 run.sh && mkdir -p a/b && echo deep > a/b/c.txt');
    await labs.apply(lab.id);
    expect(existsSync(join(workspace, 'doomed.txt'))).toBe(false);
    expect((await lstat(join(workspace, 'run.sh'))).mode & 0o777).toBe(0o700);
    expect(await readFile(join(workspace, 'a/b/c.txt'), 'utf8')).toBe('deep\n');
  });

  it('shows a file changed live since the lab opened as a conflict and never overwrites it', async () => {
    const lab = await labs.open({ workspace });
    await sh(lab.id, 'echo lab > README.md && echo other > other.txt');
    await writeFile(join(workspace, 'README.md'), 'edited live meanwhile, longer than before\n');
    const report = await labs.report(lab.id);
    expect(report.changes.find((c) => c.path === 'README.md')!.conflict).toMatch(
      /changed in the live workspace/,
    );
    await expect(labs.apply(lab.id)).rejects.toSatisfy(rejectsWith('LAB_CONFLICT'));
    expect(await readFile(join(workspace, 'README.md'), 'utf8')).toBe(
      'edited live meanwhile, longer than before\n',
    );
    expect(existsSync(join(workspace, 'other.txt'))).toBe(false);
    // The rest can still go in.
    await labs.apply(lab.id, ['other.txt']);
    expect(await readFile(join(workspace, 'other.txt'), 'utf8')).toBe('other\n');
    expect(await readFile(join(workspace, 'README.md'), 'utf8')).toBe(
      'edited live meanwhile, longer than before\n',
    );
  });

  it('refuses at apply a symlink out of the workspace, a FIFO and a setuid file', async () => {
    const outside = join(base, `outside-${n}`);
    await writeFile(outside, 'secret\n');
    const lab = await labs.open({ workspace });
    await sh(
      lab.id,
      `ln -s ${outside} out && ln -s ../../etc/passwd rel-out && mkfifo pipe && echo x > suid && chmod 4755 suid && echo fine > fine.txt`,
    );
    const report = await labs.report(lab.id);
    const byPath = new Map(report.changes.map((c) => [c.path, c]));
    expect(byPath.get('out')!.refused).toMatch(/symlink out of the workspace/);
    expect(byPath.get('rel-out')!.refused).toMatch(/symlink out of the workspace/);
    expect(byPath.get('pipe')!.refused).toMatch(/FIFO/);
    expect(byPath.get('suid')!.refused).toMatch(/setuid/);
    for (const path of ['out', 'rel-out', 'pipe', 'suid']) {
      await expect(labs.apply(lab.id, [path])).rejects.toSatisfy(rejectsWith('LAB_REFUSED'));
      expect(existsSync(join(workspace, path))).toBe(false);
    }
    await expect(labs.apply(lab.id)).rejects.toSatisfy(rejectsWith('LAB_REFUSED'));
    expect(existsSync(join(workspace, 'fine.txt'))).toBe(false);
    await labs.apply(lab.id, ['fine.txt']);
    expect(existsSync(join(workspace, 'fine.txt'))).toBe(true);
    expect(await readFile(outside, 'utf8')).toBe('secret\n');
  });

  it('never follows a live folder that became a symlink when applying into it', async () => {
    const elsewhere = await mkdtemp(join(base, 'elsewhere-'));
    const lab = await labs.open({ workspace });
    await sh(lab.id, 'echo injected > src/new.js');
    await rm(join(workspace, 'src'), { recursive: true });
    await symlink(elsewhere, join(workspace, 'src'));
    await expect(labs.apply(lab.id)).rejects.toSatisfy(
      (err) => isCell0Error(err) && /LAB_REFUSED|LAB_CONFLICT/.test(err.code),
    );
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('records a connection attempt and makes none', async () => {
    const lab = await labs.open({ workspace, netRecord: true });
    const result = await sh(
      lab.id,
      'curl -sS -m 5 http://api.example.com/v1/items?q=1; curl -sS -m 5 https://api.example.com/; curl -sS -m 5 https://api.example.com/again; echo end',
    );
    expect(result.output).toContain('end');
    const report = await labs.report(lab.id);
    expect(report.network).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          host: 'api.example.com',
          port: 80,
          via: 'http',
          method: 'GET',
          path: '/v1/items?q=1',
        }),
        expect.objectContaining({ host: 'api.example.com', port: 443, via: 'connect' }),
      ]),
    );
    expect(report.networkSummary).toContain('would have contacted api.example.com:443 twice');
    expect(report.networkSummary.find((l) => l.includes(':80'))).toMatch(/once \(GET \/v1\/items\?q=1\)/);
    const fetched = await labs.recordFetch(lab.id, 'https://docs.example.org/page');
    expect(fetched).toMatchObject({ host: 'docs.example.org', port: 443, via: 'fetch_url' });
    await labs.discard(lab.id);
  });

  it('keeps every change of runs started at once (they take turns on the one upper layer)', async () => {
    const lab = await labs.open({ workspace });
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((name) =>
        sh(lab.id, `echo ${name} > ${name}.txt && echo ${name} >> README.md`),
      ),
    );
    expect(results.map((r) => r.exitCode)).toEqual([0, 0, 0, 0]);
    const report = await labs.report(lab.id);
    const created = report.changes.filter((c) => c.kind === 'created').map((c) => c.path);
    expect(created.sort()).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt']);
    const readme = await readFile(join(base, 'labs', lab.id, 'upper', 'README.md'), 'utf8');
    expect(readme.split('\n').slice(2).sort()).toEqual(['', 'a', 'b', 'c', 'd']);
  });

  it('discards: the upper layer is removed and the live tree is untouched', async () => {
    const before = await treeHash(workspace);
    const lab = await labs.open({ workspace });
    await sh(lab.id, 'rm -rf src && echo x > y');
    await labs.discard(lab.id);
    expect(existsSync(join(base, 'labs', lab.id, 'upper'))).toBe(false);
    expect((await labs.get(lab.id)).state).toBe('discarded');
    expect(await treeHash(workspace)).toBe(before);
    expect((await labs.list()).some((l) => l.id === lab.id)).toBe(true);
  });
});

describe('bad input to a lab', () => {
  it('refuses a workspace that is itself a symlink', async () => {
    const link = join(base, `link-${n}`);
    await symlink(workspace, link);
    await expect(labs.open({ workspace: link })).rejects.toSatisfy(rejectsWith('LAB_WORKSPACE_SYMLINK'));
  });

  it('refuses a workspace with files the sandbox user cannot read, naming them', async () => {
    await writeFile(join(workspace, 'private.key'), 'k');
    await chmod(join(workspace, 'private.key'), 0o000);
    const err = await labs.open({ workspace }).catch((e: unknown) => e);
    expect(isCell0Error(err) && err.code).toBe('LAB_UNREADABLE');
    expect((err as Error).message).toContain('private.key');
  });

  it('stops a lab whose changes fill its cap, the live tree intact', async () => {
    const before = await treeHash(workspace);
    const lab = await labs.open({ workspace, maxBytes: 1024 * 1024 });
    await sh(lab.id, 'head -c 4000000 /dev/zero > big.bin; echo status $?');
    const after = await labs.get(lab.id);
    expect(after.state).toBe('full');
    expect(after.problem).toMatch(/cap/);
    await expect(sh(lab.id, 'true')).rejects.toSatisfy(rejectsWith('LAB_FULL'));
    expect(await treeHash(workspace)).toBe(before);
  });

  it('refuses to apply once the workspace was deleted, and keeps the lab', async () => {
    const lab = await labs.open({ workspace });
    await sh(lab.id, 'echo x > new.txt');
    await rm(workspace, { recursive: true });
    await expect(labs.apply(lab.id)).rejects.toSatisfy(rejectsWith('LAB_WORKSPACE_GONE'));
    expect((await labs.get(lab.id)).state).toBe('open');
    expect(existsSync(join(base, 'labs', lab.id, 'upper', 'new.txt'))).toBe(true);
  });

  it('says an unknown lab or an unknown path plainly', async () => {
    await expect(labs.report('lab-000000000000')).rejects.toSatisfy(rejectsWith('NOT_FOUND'));
    const lab = await labs.open({ workspace });
    await expect(labs.apply(lab.id, ['nope.txt'])).rejects.toSatisfy(rejectsWith('BAD_PARAMS'));
  });
});

describe('summarizeNetwork', () => {
  it('counts attempts per host and port', () => {
    const a = { host: 'h', port: 1, via: 'connect' as const, method: null, path: null, at: 0 };
    expect(summarizeNetwork([a, a, a])).toEqual(['would have contacted h:1 3 times']);
  });
});
