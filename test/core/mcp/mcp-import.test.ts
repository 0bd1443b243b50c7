import { describe, expect, it } from 'vitest';
import { importedName, planImport } from '../../../src-main/core/mcp/mcp-import.js';
import { isCell0Error } from '../../../src-main/core/protocol/errors.js';

describe('planImport', () => {
  it('reads a Claude Desktop block: stdio servers come in sandboxed, with no paths and no network', () => {
    const plan = planImport(
      JSON.stringify({
        mcpServers: {
          filesystem: {
            command: 'npx',
            args: ['-y', '@modelcontextprotocol/server-filesystem', '/Users/me/Desktop'],
            env: { DEBUG: '1', BAD: 3 },
          },
          'My Git': { command: 'uvx', args: ['mcp-server-git'], disabled: true },
          remote: { type: 'http', url: 'https://mcp.example.com/mcp', headers: { 'X-Team': 'a' } },
        },
      }),
    );
    expect(plan.skipped).toEqual([]);
    expect(plan.servers).toEqual([
      {
        name: 'filesystem',
        enabled: true,
        transport: {
          kind: 'stdio',
          command: 'npx',
          args: ['-y', '@modelcontextprotocol/server-filesystem', '/Users/me/Desktop'],
          cwd: null,
          env: { DEBUG: '1' },
          confinement: 'sandbox',
          paths: [],
          network: false,
        },
      },
      expect.objectContaining({ name: 'My-Git', enabled: false }),
      {
        name: 'remote',
        enabled: true,
        transport: {
          kind: 'http',
          url: 'https://mcp.example.com/mcp',
          headers: { 'X-Team': 'a' },
          bearerToken: null,
        },
      },
    ]);
  });

  it('reads VS Code’s `servers` and a bare block, and skips what it cannot use, saying why', () => {
    const plan = planImport(
      JSON.stringify({ servers: { sse: { type: 'sse', url: 'http://x/sse' }, empty: {}, odd: 'text' } }),
    );
    expect(plan.servers).toEqual([]);
    expect(plan.skipped.map((s) => s.name)).toEqual(['sse', 'empty', 'odd']);
    expect(plan.skipped[1]!.reason).toBe('it has neither a command nor a url');
    expect(planImport('{"a": {"command": "x"}}').servers).toHaveLength(1);
  });

  it('refuses what is not JSON, or has no servers', () => {
    for (const text of ['{', '[]', '{}']) {
      const err = (() => {
        try {
          planImport(text);
        } catch (e) {
          return e;
        }
      })();
      expect(isCell0Error(err) && err.code).toBe('BAD_PARAMS');
    }
  });

  it('makes names Cell 0 accepts', () => {
    expect(importedName(' github.com tools ')).toBe('github-com-tools');
    expect(importedName('__x')).toBe('x');
  });
});
