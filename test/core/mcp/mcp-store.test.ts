import { readdir, readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { McpStore, parseMcpFile } from '../../../src-main/core/mcp/mcp-store.js';
import { tempDir } from '../../helpers/core.js';

let dir: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  dir = await tempDir('cell0-mcp-store-');
});
afterEach(() => dir.remove());

const good = {
  id: 'a',
  name: 'fs',
  enabled: true,
  disabledTools: [],
  createdAt: 1,
  transport: { kind: 'http' as const, url: 'https://x.example/mcp', headerNames: [] as string[] },
};

describe('mcp.json', () => {
  it('keeps an entry it cannot read, instead of dropping it on the next write', async () => {
    const store = new McpStore(dir.path);
    const broken = { id: 'b', name: 'from-the-future', transport: { kind: 'websocket' } };
    await writeFile(
      store.file,
      JSON.stringify({ version: 1, serve: { enabled: true }, servers: [good, broken] }),
    );
    const file = await store.read();
    expect(file.servers.map((s) => s.name)).toEqual(['fs']);
    expect(file.serve).toEqual({ enabled: true });
    await store.update((f) => {
      f.servers = [];
    });
    expect(JSON.parse(await readFile(store.file, 'utf8'))).toEqual({
      version: 1,
      serve: { enabled: true },
      servers: [],
      unreadable: [broken],
    });
  });

  it('a second server of the same name is kept aside, not loaded', () => {
    const file = parseMcpFile(JSON.stringify({ servers: [good, { ...good, id: 'c', name: 'FS' }] }));
    expect(file.servers.map((s) => s.id)).toEqual(['a']);
    expect(file.unreadable).toHaveLength(1);
  });

  it('a file that is not JSON is set aside for the owner and a fresh one started', async () => {
    const store = new McpStore(dir.path);
    await writeFile(store.file, '{ half a file');
    expect((await store.read()).servers).toEqual([]);
    expect(store.setAside).not.toBeNull();
    expect(await readFile(store.setAside!, 'utf8')).toBe('{ half a file');
    expect((await readdir(dir.path)).some((name) => name.startsWith('mcp.json.corrupt-'))).toBe(true);
  });

  it('writes whole files only, one change at a time', async () => {
    const store = new McpStore(dir.path);
    await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        store.update((f) => {
          f.servers.push({ ...good, id, name: `s-${id}` });
        }),
      ),
    );
    expect((await store.read()).servers.map((s) => s.id).sort()).toEqual(['a', 'b', 'c']);
    expect((await readdir(dir.path)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
