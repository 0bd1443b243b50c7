import { describe, expect, it } from 'vitest';
import {
  applyEdit,
  runSpecFor,
  summarize,
  toolInputSchemas,
} from '../../../../src-main/core/kernel/tools/tool-specs.js';
import { isInsideWorkspace, resolveInWorkspace } from '../../../../src-main/core/kernel/tools/paths.js';

const WS = '/var/lib/cell0/workspaces/x/conv';

describe('tool specs', () => {
  it('edits exactly one occurrence, and says why not otherwise', () => {
    expect(applyEdit('a b c', 'b', 'B')).toEqual({ ok: true, text: 'a B c' });
    expect(applyEdit('a b b', 'b', 'B')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/more than once/),
    });
    expect(applyEdit('a', 'z', 'B')).toMatchObject({ ok: false, reason: expect.stringMatching(/not found/) });
  });

  it('resolves paths lexically against the workspace', () => {
    expect(resolveInWorkspace(WS, 'notes/a.txt')).toBe(`${WS}/notes/a.txt`);
    expect(isInsideWorkspace(WS, 'notes/../a.txt')).toBe(true);
    expect(isInsideWorkspace(WS, '../other/a.txt')).toBe(false);
    expect(isInsideWorkspace(WS, '/etc/passwd')).toBe(false);
  });

  it('runs every file tool behind the in-sandbox realpath guard, and never with network', () => {
    for (const tool of ['read_file', 'write_file', 'list_dir', 'search_files'] as const) {
      const args = toolInputSchemas[tool].parse({ path: 'a', content: 'x', pattern: 'p' });
      const spec = runSpecFor(tool, args, WS);
      expect(spec.argv.slice(0, 2)).toEqual(['/bin/sh', '-c']);
      expect(spec.argv[2]).toContain('realpath -m');
      expect(spec.argv.slice(4, 6)).toEqual([WS, `${WS}/a`]);
      expect(spec.network).toBe(false);
    }
    expect(runSpecFor('fetch_url', { url: 'https://example.com/' }, WS)).toMatchObject({ network: true });
    expect(runSpecFor('shell', { command: 'ls', network: true }, WS)).toMatchObject({
      network: true,
      tty: true,
    });
    expect(() => toolInputSchemas.fetch_url.parse({ url: 'file:///etc/passwd' })).toThrow();
  });

  it('summaries show invisible characters instead of hiding them', () => {
    expect(summarize('shell', { command: 'echo ok\u202e' })).toBe('echo ok\\u{202E}');
    expect(summarize('read_file', { path: 'notes.txt' })).toBe('read file notes.txt');
  });
});
