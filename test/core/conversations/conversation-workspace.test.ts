import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCore, tempDir, type TestCore } from '../../helpers/core.js';

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

describe('conversations.setWorkspace through the router', () => {
  it('stores the checked folder, announces it, refuses a bad one with its code, resets to the default; attachments go to the chosen folder', async () => {
    const t: TestCore = await startTestCore();
    open.push(() => t.close());
    const folder = await tempDir('cell0-chosen-');
    open.push(() => folder.remove());
    await chmod(folder.path, 0o777);
    const c = await t.call('conversations.create', {});

    await expect(
      t.call('conversations.setWorkspace', { id: c.id, path: 'relative/dir' }),
    ).rejects.toMatchObject({
      code: 'WORKSPACE_NOT_ABSOLUTE',
    });
    await expect(t.call('conversations.setWorkspace', { id: c.id, path: t.dataDir })).rejects.toMatchObject({
      code: 'WORKSPACE_IN_DATA_DIR',
    });

    const set = await t.call('conversations.setWorkspace', { id: c.id, path: folder.path });
    expect(set.workspace).toBe(folder.path);
    await t.waitFor(
      (f) =>
        f.event === 'conversation.updated' &&
        (f.payload as { conversation: { workspace?: string } }).conversation.workspace === folder.path,
    );
    const listed = await t.call('conversations.list', {});
    expect(listed.conversations.find((x) => x.id === c.id)?.workspace).toBe(folder.path);

    // An attachment is copied into the chosen folder.
    const bytes = Buffer.from('attached text\n');
    const added = await t.call('attachments.add', {
      conversationId: c.id,
      uploadId: 'u1',
      name: 'notes.txt',
      mimeType: 'text/plain',
      size: bytes.length,
      offset: 0,
      data: bytes.toString('base64'),
      done: true,
    });
    expect(added.attachment?.path).toBe('attachments/notes.txt');
    expect(await readFile(join(folder.path, 'attachments/notes.txt'), 'utf8')).toBe('attached text\n');

    const reset = await t.call('conversations.setWorkspace', { id: c.id, path: null });
    expect(reset.workspace).toBeUndefined();
    await expect(t.call('conversations.setWorkspace', { id: 'nope', path: null })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
