import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { allowedPath, mcpCommand } from '../../src-main/cli/mcp-command.js';
import type { McpServer } from '../../src-main/core/protocol/mcp-entities.js';
import { EVERYTHING, NODE_MODULES, PEER, REPO, FIXTURES } from '../core/mcp/mcp-fixture.js';
import { FakeOpenAI } from '../fixtures/fake-openai.js';
import { startTestCore, tempDir, testKeychainService, type TestCore } from '../helpers/core.js';

describe('cell0 mcp', () => {
  let home: { path: string; remove(): Promise<void> };
  let output: string;
  let errors: string;
  const out = (text: string) => void (output += text);
  const saved = { home: process.env.CELL0_HOME, service: process.env.CELL0_KEYCHAIN_SERVICE };
  const cli = (...args: string[]) => mcpCommand(args, { out, startTimeoutMs: 20_000 });

  beforeEach(async () => {
    home = await tempDir();
    process.env.CELL0_HOME = home.path;
    process.env.CELL0_KEYCHAIN_SERVICE = testKeychainService();
    output = '';
    errors = '';
    process.exitCode = 0;
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      errors += String(chunk);
      return true;
    });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    process.env.CELL0_HOME = saved.home;
    process.env.CELL0_KEYCHAIN_SERVICE = saved.service;
    process.exitCode = 0;
    await home.remove();
  });

  it('adds, lists and removes servers in CELL0_HOME, variables in the keychain only', async () => {
    await cli(
      'add',
      'fs',
      '--env',
      'TOKEN=keychain-only-4e1a',
      '--allow-path',
      `${NODE_MODULES}`,
      '--allow-path',
      '/srv/data:rw',
      '--',
      'node',
      'server.js',
      '${workspace}',
    );
    expect(errors).toBe('');
    expect(output).toBe(
      `Added fs (confined, sees ${NODE_MODULES}, /srv/data (rw), no network). Its tools: cell0 mcp tools fs\n`,
    );
    await cli('add', 'remote', '--url', 'https://example.com/mcp');
    await cli('add', 'wild', '--unconfined', '--', 'uvx', 'mcp-server-git');
    const file = await readFile(join(home.path, 'mcp.json'), 'utf8');
    expect(file).toMatch(/"envNames": \[\s*"TOKEN"\s*\]/);
    expect(file).not.toContain('keychain-only-4e1a');

    output = '';
    await cli('list');
    expect(output).toBe(
      `fs\tconfined, sees ${NODE_MODULES}, /srv/data (rw), no network\n  node server.js \${workspace}\n` +
        'remote\tremote, https://example.com/mcp\n  https://example.com/mcp\n' +
        'wild\tUNCONFINED: it runs with your full rights\n  uvx mcp-server-git\n',
    );
    output = '';
    await cli('remove', 'fs');
    expect(output).toBe('Removed fs.\n');
    await cli('remove', 'fs');
    expect(process.exitCode).toBe(1);
    expect(errors).toContain('there is no server called “fs”');
  });

  it('refuses bad input with exit status 2 and says why', async () => {
    await cli('add', 'x');
    expect(process.exitCode).toBe(2);
    expect(errors).toContain('no command given after --');
    errors = '';
    await cli('add', 'bad name!', '--', 'node');
    expect(errors).toContain('a server name is 1 to 32 letters');
    errors = '';
    await cli('add', 'x', '--env', 'NOEQUALS', '--', 'node');
    expect(errors).toContain('--env “NOEQUALS” is not NAME=VALUE');
  });

  it('tools NAME starts the server confined and prints each tool with its description', async () => {
    await cli('add', 'everything', '--allow-path', NODE_MODULES, '--', 'node', EVERYTHING, 'stdio');
    output = '';
    await cli('tools', 'everything');
    expect(process.exitCode).toBe(0);
    const lines = output.trim().split('\n');
    expect(lines).toContain('echo\tEchoes back the input string');
    expect(lines.length).toBeGreaterThan(5);
  });

  it('tools NAME exits 1 with the reason when the server cannot start', async () => {
    // Not given node_modules: the confined server cannot even load.
    await cli('add', 'blind', '--allow-path', FIXTURES, '--', 'node', PEER, 'well');
    await cli('tools', 'blind');
    expect(process.exitCode).toBe(1);
    expect(errors).toMatch(/^cell0 mcp: blind could not start: it exited with status 1\./);
    expect(errors).toContain('It could not load the package “@modelcontextprotocol/sdk”: declare the folder');
  });

  it('reads PATH[:rw] as declared paths', () => {
    expect(allowedPath('/a/b')).toEqual({ path: '/a/b', write: false });
    expect(allowedPath('/a/b:rw')).toEqual({ path: '/a/b', write: true });
    expect(allowedPath('/a/b:ro')).toEqual({ path: '/a/b', write: false });
  });
});

describe('cell0 mcp and a running Cell 0 share one store', () => {
  let t: TestCore;
  const saved = { home: process.env.CELL0_HOME, service: process.env.CELL0_KEYCHAIN_SERVICE };
  beforeEach(async () => {
    t = await startTestCore({ mcp: { loginPath: async () => null } });
    process.env.CELL0_HOME = t.dataDir;
    process.env.CELL0_KEYCHAIN_SERVICE = t.keychainService;
  });
  afterEach(async () => {
    process.env.CELL0_HOME = saved.home;
    process.env.CELL0_KEYCHAIN_SERVICE = saved.service;
    await t.close();
  });

  it('a server added from the terminal starts in the running app, and leaves it when removed', async () => {
    await mcpCommand(
      ['add', 'peer', '--allow-path', NODE_MODULES, '--allow-path', FIXTURES, '--', 'node', PEER, 'well'],
      {
        out: () => undefined,
      },
    );
    const ready = await t.waitFor(
      (e) => e.event === 'mcp.updated' && (e.payload as { server: McpServer }).server.state === 'ready',
      30_000,
    );
    const { server } = ready.payload as { server: McpServer };
    expect(server.config.name).toBe('peer');
    expect(server.tools.map((tool) => tool.name)).toEqual(['echo', 'slow', 'get']);
    await mcpCommand(['remove', 'peer'], { out: () => undefined });
    await t.waitFor(
      (e) => e.event === 'mcp.removed' && (e.payload as { id: string }).id === server.config.id,
    );
    expect((await t.call('mcp.list', {})).servers).toEqual([]);
  });
});

describe('cell0 mcp serve', () => {
  let t: TestCore;
  beforeEach(async () => {
    t = await startTestCore({ mcp: { loginPath: async () => null } });
  });
  afterEach(async () => {
    await t.close();
  });

  function serve(): StdioClientTransport {
    return new StdioClientTransport({
      command: process.execPath,
      args: [
        '--import',
        'tsx',
        '-e',
        "import('./src-main/cli.ts').then((cli) => cli.main(['mcp', 'serve']))",
      ],
      cwd: REPO,
      env: { ...process.env, CELL0_HOME: t.dataDir, CELL0_KEYCHAIN_SERVICE: t.keychainService } as Record<
        string,
        string
      >,
      stderr: 'pipe',
    });
  }

  it('is off until the owner turns it on', async () => {
    const client = new Client({ name: 'test-client', version: '1' });
    const transport = serve();
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await expect(client.connect(transport)).rejects.toThrow();
    expect(stderr).toContain('Cell 0 answers MCP clients only when its owner turns it on');
  });

  it('answers memory and conversation searches over stdio, read-only, each call audited', async () => {
    await t.call('mcp.setServe', { enabled: true });
    const conv = await t.call('conversations.create', {});
    await t.call('memories.create', { text: 'The owner keeps bees in the orchard.', kind: 'fact' });
    const fake = new FakeOpenAI();
    await fake.start();
    await t.call('providers.save', {
      kind: 'openai-compatible',
      name: 'Fake',
      baseUrl: fake.baseUrl,
      defaultModel: 'fake-small',
    });
    fake.script({ tokens: ['Noted.'] });
    const { assistantMessage } = await t.call('chat.send', {
      conversationId: conv.id,
      text: 'Remember the marmalade recipe',
      clientMessageId: 'x',
    });
    await t.waitFor(
      (e) =>
        e.event === 'message.updated' &&
        (e.payload as { message: { id: string; status: string } }).message.id === assistantMessage.id &&
        (e.payload as { message: { status: string } }).message.status === 'complete',
    );
    await fake.stop();

    const client = new Client({ name: 'test-client', version: '1' });
    await client.connect(serve());
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['conversation_search', 'memory_search']);
    const found = await client.callTool({ name: 'conversation_search', arguments: { query: 'marmalade' } });
    expect(JSON.stringify(found.content)).toContain('**marmalade**');
    const memories = await client.callTool({ name: 'memory_search', arguments: { query: 'bees orchard' } });
    expect(JSON.stringify(memories.content)).toContain('The owner keeps bees in the orchard.');
    await client.close();

    const { records } = await t.call('audit.list', { limit: 50 });
    const served = records.filter((r) => r.tool?.startsWith('cell0-mcp:'));
    expect(served.map((r) => `${r.actor} ${r.kind} ${r.tool} ${r.outcome}`).sort()).toEqual([
      'mcp-client:test-client tool.call cell0-mcp:conversation_search started (read-only)',
      'mcp-client:test-client tool.call cell0-mcp:memory_search started (read-only)',
      'mcp-client:test-client tool.result cell0-mcp:conversation_search found 1',
      'mcp-client:test-client tool.result cell0-mcp:memory_search found 1',
    ]);
    expect((await t.call('audit.verify', {})).ok).toBe(true);
  });
});
