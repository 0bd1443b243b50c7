import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkChosenWorkspace } from '../../../src-main/core/kernel/chosen-workspace.js';
import { tempDir } from '../../helpers/core.js';
import { kernelHarness, type KernelHarness } from './kernel-fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const never = new AbortController().signal;
const sandboxUser = { uid: 65534, gid: 65534 };

/** A folder the sandbox user may write (0777: as an owner would open it; Cell 0 never chowns it). */
async function ownerFolder(): Promise<string> {
  const dir = await tempDir('cell0-chosen-');
  cleanups.push(() => dir.remove());
  await chmod(dir.path, 0o777);
  return dir.path;
}

async function places(): Promise<{ dataDir: string; workspaceRoot: string; account: typeof sandboxUser }> {
  const data = await tempDir('cell0-data-');
  cleanups.push(() => data.remove());
  await mkdir(join(data.path, 'workspaces'));
  return { dataDir: data.path, workspaceRoot: join(data.path, 'workspaces'), account: sandboxUser };
}

async function refusal(path: string, where?: Awaited<ReturnType<typeof places>>): Promise<unknown> {
  return checkChosenWorkspace(path, where ?? (await places())).then(
    () => 'accepted',
    (err: unknown) => err,
  );
}

describe('checkChosenWorkspace: what the owner may choose', () => {
  it('accepts a writable folder and gives its real path', async () => {
    const folder = await ownerFolder();
    expect(await checkChosenWorkspace(`${folder}/./`, await places())).toBe(folder);
  });

  it('WORKSPACE_NOT_ABSOLUTE for a relative path', async () => {
    expect(await refusal('projects/site')).toMatchObject({
      code: 'WORKSPACE_NOT_ABSOLUTE',
      message: expect.stringContaining('absolute'),
    });
  });

  it('WORKSPACE_NOT_FOUND for a folder that does not exist', async () => {
    const folder = await ownerFolder();
    expect(await refusal(join(folder, 'missing'))).toMatchObject({
      code: 'WORKSPACE_NOT_FOUND',
      message: expect.stringContaining('create the folder first'),
    });
  });

  it('WORKSPACE_NOT_A_FOLDER for a file', async () => {
    const folder = await ownerFolder();
    await writeFile(join(folder, 'notes.txt'), 'x');
    expect(await refusal(join(folder, 'notes.txt'))).toMatchObject({ code: 'WORKSPACE_NOT_A_FOLDER' });
  });

  it('WORKSPACE_SYMLINK for a symlink, naming the folder it points to', async () => {
    const folder = await ownerFolder();
    await mkdir(join(folder, 'real'));
    await symlink(join(folder, 'real'), join(folder, 'link'));
    expect(await refusal(join(folder, 'link'))).toMatchObject({
      code: 'WORKSPACE_SYMLINK',
      message: expect.stringContaining(`choose ${join(folder, 'real')} itself`),
    });
  });

  it('WORKSPACE_SYSTEM_FOLDER for /, the home directory and system folders', async () => {
    for (const path of [
      '/',
      homedir(),
      '/etc',
      '/usr',
      '/usr/lib',
      '/bin',
      '/proc',
      '/sys',
      '/dev',
      '/boot',
    ]) {
      expect(await refusal(path), path).toMatchObject({ code: 'WORKSPACE_SYSTEM_FOLDER' });
    }
    await mkdir('/var/lib/cell0', { recursive: true });
    expect(await refusal('/var/lib/cell0')).toMatchObject({ code: 'WORKSPACE_SYSTEM_FOLDER' });
  });

  it("WORKSPACE_IN_DATA_DIR inside Cell 0's data (or holding it), but a folder under the workspaces root is fine", async () => {
    const where = await places();
    await mkdir(join(where.dataDir, 'keys'));
    expect(await refusal(join(where.dataDir, 'keys'), where)).toMatchObject({
      code: 'WORKSPACE_IN_DATA_DIR',
    });
    expect(await refusal(where.dataDir, where)).toMatchObject({ code: 'WORKSPACE_IN_DATA_DIR' });
    expect(await refusal(where.workspaceRoot, where)).toMatchObject({ code: 'WORKSPACE_IN_DATA_DIR' });
    const other = join(where.workspaceRoot, 'other-conversation');
    await mkdir(other, { mode: 0o777 });
    await chmod(other, 0o777);
    await chmod(where.dataDir, 0o711);
    await chmod(where.workspaceRoot, 0o755);
    expect(await checkChosenWorkspace(other, where)).toBe(other);
  });

  it('WORKSPACE_NOT_WRITABLE when the sandbox user cannot write it, with the fix, and the folder untouched', async () => {
    const folder = await ownerFolder();
    await chmod(folder, 0o555);
    expect(await refusal(folder)).toMatchObject({
      code: 'WORKSPACE_NOT_WRITABLE',
      message: expect.stringMatching(/does not change your folders' owner.*ch(own|mod)/),
    });
  });
});

describe('kernel: a conversation in the folder its owner chose', () => {
  async function setup(): Promise<KernelHarness> {
    const h = await kernelHarness();
    cleanups.push(() => h.close());
    return h;
  }

  async function allowed(h: KernelHarness, id: string, tool: 'write_file' | 'shell', args: unknown) {
    const pending = h.kernel.execute(h.call(id, tool, args), never);
    const request = await h.nextRequest();
    await h.permissions.respond(request.id, 'allow-once');
    return pending;
  }

  const choose = (h: KernelHarness, path: string | null) =>
    h.kernel.chooseWorkspace(h.conversationId, path, async (real) => {
      await h.conversations.setWorkspace(h.conversationId, real);
    });

  it('write_file and a sandboxed shell land in the chosen folder; the choice is audited; reset returns to the default', async () => {
    const h = await setup();
    const folder = await ownerFolder();
    expect(await choose(h, folder)).toBe(folder);
    expect(await h.kernel.workspaceFor(h.conversationId)).toBe(folder);

    const wrote = await allowed(h, 'w1', 'write_file', { path: 'notes/todo.txt', content: 'buy milk\n' });
    expect(wrote.toolCall.status).toBe('done');
    expect(await readFile(join(folder, 'notes/todo.txt'), 'utf8')).toBe('buy milk\n');

    const ran = await allowed(h, 's1', 'shell', { command: 'echo from-the-sandbox > shell.txt && pwd' });
    expect(ran.toolCall).toMatchObject({ status: 'done', sandboxed: true });
    expect(await readFile(join(folder, 'shell.txt'), 'utf8')).toBe('from-the-sandbox\n');

    const { records } = await h.audit.list({ conversationId: h.conversationId, limit: 50 });
    expect(records.filter((r) => r.kind === 'workspace.choose').map((r) => r.outcome)).toEqual([
      `workspace set to ${folder}`,
    ]);

    expect(await choose(h, null)).toBeNull();
    const defaultDir = join(h.dataDir, 'workspaces', h.conversationId);
    expect(await h.kernel.workspaceFor(h.conversationId)).toBe(defaultDir);
    await allowed(h, 'w2', 'write_file', { path: 'after-reset.txt', content: 'x' });
    expect(existsSync(join(defaultDir, 'after-reset.txt'))).toBe(true);
    expect(existsSync(join(folder, 'after-reset.txt'))).toBe(false);
    const after = await h.audit.list({ conversationId: h.conversationId, limit: 50 });
    expect(after.records.some((r) => r.outcome === 'workspace reset to the default folder')).toBe(true);
  });

  it('a refused folder is not stored, and a chosen folder that later goes is refused at the next call', async () => {
    const h = await setup();
    await expect(choose(h, '/etc')).rejects.toMatchObject({ code: 'WORKSPACE_SYSTEM_FOLDER' });
    expect(await h.conversations.workspaceOf(h.conversationId)).toBeNull();

    const folder = await ownerFolder();
    await choose(h, folder);
    // Other settings changes keep the chosen folder.
    await h.conversations.configure(h.conversationId, { temperature: 0.5 });
    expect((await h.conversations.get(h.conversationId)).workspace).toBe(folder);
    await cleanups.pop()!();
    await expect(h.kernel.workspaceFor(h.conversationId)).rejects.toMatchObject({
      code: 'WORKSPACE_NOT_FOUND',
    });
  });
});
