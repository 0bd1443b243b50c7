import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseHostPattern } from '../../../src-main/core/kernel/network/host-patterns.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCell0Error } from '../../../src-main/core/protocol/errors.js';
import { resultText } from '../../../src-main/core/mcp/tool-result.js';
import {
  EVERYTHING,
  FILESYSTEM,
  NODE_MODULES,
  PEER,
  announcements,
  config,
  harness,
  processesWith,
  stdio,
  type Harness,
} from './mcp-fixture.js';

let h: Harness;
const never = new AbortController().signal;

beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.close();
});

describe('a confined stdio server (server-everything)', () => {
  it('starts in the sandbox, lists its tools, resources and prompts, and answers a call', async () => {
    const runtime = h.runtime(config('everything', stdio([EVERYTHING, 'stdio'])));
    await runtime.start();
    const snapshot = runtime.snapshot();
    expect(snapshot.error).toBeNull();
    expect(snapshot.state).toBe('ready');
    expect(snapshot.runs).toBe('sandboxed');
    expect(snapshot.serverInfo?.name).toMatch(/everything/i);
    expect(snapshot.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'get-env', 'get-sum']));
    expect(snapshot.tools.find((t) => t.name === 'echo')).toMatchObject({ enabled: true, problem: null });
    expect(snapshot.resources.length).toBeGreaterThan(0);
    expect(snapshot.prompts.length).toBeGreaterThan(0);

    const result = await runtime.call('conv-a', 'echo', { message: 'hello' }, { signal: never });
    expect(resultText(result)).toBe('Echo: hello');
    expect(runtime.snapshot().instances).toBe(1);
  });

  it('gets a minimal environment plus its own variables, never the host’s', async () => {
    process.env.CELL0_TEST_HOST_SECRET = 'host-secret-7f3a';
    const runtime = h.runtime(config('env', stdio([EVERYTHING, 'stdio'], { envNames: ['SERVER_TOKEN'] })), {
      env: { SERVER_TOKEN: 'token-for-the-server' },
    });
    await runtime.start();
    const env = JSON.parse(
      resultText(await runtime.call('conv-env', 'get-env', {}, { signal: never })),
    ) as Record<string, string>;
    expect(env.SERVER_TOKEN).toBe('token-for-the-server');
    expect(env.CELL0_TEST_HOST_SECRET).toBeUndefined();
    expect(Object.keys(env).sort()).toEqual([
      'HOME',
      'LANG',
      'NODE_OPTIONS',
      'PATH',
      'PWD',
      'SERVER_TOKEN',
      'TMPDIR',
    ]);
    expect(env.PATH).toBe('/usr/local/bin:/usr/bin:/bin');
    expect(env.HOME).toContain(join(h.base, 'homes'));
    delete process.env.CELL0_TEST_HOST_SECRET;
  });

  it('runs each conversation’s calls in its own process, confined to that conversation’s workspace', async () => {
    const runtime = h.runtime(config('everything-two', stdio([EVERYTHING, 'stdio'])));
    await runtime.start();
    await runtime.call('conv-1', 'echo', { message: 'one' }, { signal: never });
    await runtime.call('conv-2', 'echo', { message: 'two' }, { signal: never });
    await runtime.call('conv-1', 'echo', { message: 'again' }, { signal: never });
    expect(runtime.snapshot().instances).toBe(2);
  });

  it('reports progress and stops a call the owner stops (the server is told to cancel)', async () => {
    const runtime = h.runtime(config('peer-well', stdio([PEER, 'well'])));
    await runtime.start();
    const stop = new AbortController();
    const progress: { progress: number; total: number | null; message: string | null }[] = [];
    const call = runtime.call(
      'conv-p',
      'slow',
      { steps: 100_000 },
      {
        signal: stop.signal,
        onProgress: (p) => {
          progress.push(p);
          if (progress.length === 2) stop.abort();
        },
      },
    );
    await expect(call).rejects.toThrow();
    expect(progress[0]).toEqual({ progress: 1, total: 100_000, message: 'step 1' });
    // The same process goes on serving: the cancelled call did not take it down.
    const after = await runtime.call('conv-p', 'echo', { message: 'still here' }, { signal: never });
    expect(resultText(after)).toBe('echo: still here');
  });

  it('is killed with its whole process tree when it is stopped', async () => {
    const marker = `cell0-mcp-tree-${Date.now()}`;
    const runtime = h.runtime(config('tree', stdio([PEER, 'well', `--spawn=${marker}`])));
    await runtime.start();
    await runtime.call('conv-tree', 'echo', { message: 'x' }, { signal: never });
    // The listing process and the conversation's each started a grandchild in its own session.
    await expect
      .poll(async () => (await processesWith(`-e`)).length > 0 && (await processesWith(marker)).length)
      .toBeGreaterThanOrEqual(2);
    await runtime.stop();
    await expect.poll(() => processesWith(marker)).toEqual([]);
  });

  it('once disposed, a relaunch already under way starts nothing', async () => {
    const marker = `cell0-mcp-disposed-${Date.now()}`;
    const first = config('disposed', stdio([PEER, 'well']));
    const runtime = h.runtime(first);
    await runtime.start();
    // A new config (mcp.json edited) relaunches it; the app stops before that relaunch is done.
    const relaunch = runtime.reconfigure({ ...first, transport: stdio([PEER, 'well', `--spawn=${marker}`]) });
    await runtime.dispose();
    await relaunch;
    await runtime.start();
    // A moment for a start that should not come, then none may be left.
    await new Promise((r) => setTimeout(r, 500));
    await expect.poll(() => processesWith(marker)).toEqual([]);
  });
});

describe('a confined filesystem server (server-filesystem)', () => {
  it('reads the workspace but not a file outside it, even when told to allow that folder', async () => {
    const outside = join(h.base, 'outside');
    await h.sandbox.prepareWorkspace(outside);
    await writeFile(join(outside, 'secret.txt'), 'host-secret-9d1c');
    const runtime = h.runtime(config('fs', stdio([FILESYSTEM, '${workspace}', outside])));
    await runtime.start();
    expect(runtime.snapshot().state).toBe('ready');
    expect(runtime.snapshot().stderrTail).toContain(`Cannot access directory ${outside}`);

    const workspace = await h.workspaceFor('conv-fs');
    await writeFile(join(workspace, 'inside.txt'), 'inside-text');
    const inside = await runtime.call(
      'conv-fs',
      'read_text_file',
      { path: join(workspace, 'inside.txt') },
      { signal: never },
    );
    expect(resultText(inside)).toBe('inside-text');

    const stolen = await runtime.call(
      'conv-fs',
      'read_text_file',
      { path: join(outside, 'secret.txt') },
      { signal: never },
    );
    expect(stolen.isError).toBe(true);
    expect(resultText(stolen)).not.toContain('host-secret-9d1c');
    expect(resultText(stolen)).toMatch(/outside allowed directories|ENOENT|no such file/i);
  });
});

describe('an unconfined server that works in ${workspace}', () => {
  it('still gets a process per conversation, started in that conversation’s workspace', async () => {
    const runtime = h.runtime(
      config('fs-free', stdio([FILESYSTEM, '${workspace}'], { confinement: 'unconfined', paths: [] })),
    );
    await runtime.start();
    const workspace = await h.workspaceFor('conv-free-fs');
    await writeFile(join(workspace, 'note.txt'), 'in the conversation');
    const read = await runtime.call(
      'conv-free-fs',
      'read_text_file',
      { path: join(workspace, 'note.txt') },
      { signal: never },
    );
    expect(resultText(read)).toBe('in the conversation');
    expect(runtime.snapshot()).toMatchObject({ runs: 'unconfined', instances: 1 });
  });
});

describe('what a confined server was not given', () => {
  it('names the path it reached for, and starts once that path is declared', async () => {
    const dir = join(h.base, 'config-dir');
    await h.sandbox.prepareWorkspace(dir);
    await writeFile(join(dir, 'config.json'), '{}');
    const needs = stdio([PEER, 'needs', join(dir, 'config.json')]);
    const blind = h.runtime(config('needs', needs));
    await blind.start();
    const failed = blind.snapshot();
    expect(failed.state).toBe('failed');
    expect(failed.error?.code).toBe('MCP_SERVER_FAILED');
    expect(failed.error?.message).toContain('exited with status 1');
    expect(failed.error?.message).toContain(
      `It reached for ${join(dir, 'config.json')}, which the sandbox does not show`,
    );
    expect(failed.stderrTail).toContain('cannot read config');

    const seeing = h.runtime(
      config('needs-ok', { ...needs, paths: [...needs.paths, { path: dir, write: false }] }),
    );
    await seeing.start();
    expect(seeing.snapshot().state).toBe('ready');
  });

  it('says which folder to declare for a command the sandbox does not show', async () => {
    const runtime = h.runtime(config('elsewhere', stdio([], { command: join(h.base, 'bin', 'my-server') })));
    await runtime.start();
    expect(runtime.snapshot().state).toBe('failed');
    expect(runtime.snapshot().error?.message).toContain(
      `Add ${join(h.base, 'bin')} (read-only) to this server’s paths`,
    );
  });

  it('has no network at all unless granted; granted, only through the egress proxy, every attempt told', async () => {
    const site = createServer((_req, res) => res.end('hello from the host'));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const { port } = site.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/`;
    try {
      const closed = h.runtime(config('no-net', stdio([PEER, 'well'])));
      await closed.start();
      const refused = resultText(await closed.call('conv-nonet', 'get', { url }, { signal: never }));
      expect(refused).toMatch(/^error E(CONNREFUSED|NETUNREACH)/);

      // Cell 0's grant is any public host: the host's own loopback stays out of reach.
      const publicOnly = h.runtime(config('net-public', stdio([PEER, 'well'], { network: true })));
      await publicOnly.start();
      const outside = resultText(await publicOnly.call('conv-pub', 'get', { url }, { signal: never }));
      expect(outside).not.toContain('hello from the host');
      // Told when it ends, which for a kept-alive connection may come after the answer.
      await expect.poll(() => h.attempts.some((a) => a.port === port && !a.allowed)).toBe(true);

      const exact = h.runtime(config('net-exact', stdio([PEER, 'well'], { network: true })), {
        egressRules: { mode: 'enforce', anyPublic: false, hosts: [parseHostPattern(`127.0.0.1:${port}`)] },
      });
      await exact.start();
      const allowed = resultText(await exact.call('conv-exact', 'get', { url }, { signal: never }));
      expect(allowed).toBe('200 hello from the host');
      await expect
        .poll(() => h.attempts.find((a) => a.port === port && a.allowed))
        .toMatchObject({ host: '127.0.0.1', via: 'http' });
    } finally {
      site.closeAllConnections();
      await new Promise((resolve) => site.close(resolve));
    }
  });

  it('runs unconfined only when the owner chose it, and says so', async () => {
    const runtime = h.runtime(
      config(
        'free',
        stdio([PEER, 'needs', join(NODE_MODULES, '..', 'package.json')], {
          confinement: 'unconfined',
          paths: [],
        }),
      ),
    );
    await runtime.start();
    expect(runtime.snapshot()).toMatchObject({ state: 'ready', runs: 'unconfined' });
    const result = await runtime.call('conv-free', 'echo', { message: 'free' }, { signal: never });
    expect(resultText(result)).toBe('echo: free');
  });
});

describe('list changes', () => {
  it('reads the tools again when the server says they changed', async () => {
    const seen = announcements();
    const runtime = h.runtime(
      config('changes', stdio([PEER, 'changes'], { confinement: 'unconfined', paths: [] })),
      {
        onChange: seen.onChange,
      },
    );
    await runtime.start();
    expect(runtime.snapshot().tools.map((t) => t.name)).not.toContain('grown');
    await runtime.call('conv-c', 'grow', {}, { signal: never });
    await seen.until(() => runtime.snapshot().tools.some((t) => t.name === 'grown'));
    expect(runtime.offered().map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'grow', 'grown']));
  });
});

describe('the owner’s switches', () => {
  it('keeps a switched-off tool listed but offers it to no model', async () => {
    const cfg = config('switch', stdio([PEER, 'well']));
    const runtime = h.runtime(cfg);
    await runtime.start();
    await runtime.reconfigure({ ...cfg, disabledTools: ['slow'] });
    expect(runtime.snapshot().tools.find((t) => t.name === 'slow')?.enabled).toBe(false);
    expect(runtime.offered().map((t) => t.name)).toEqual(['echo', 'get']);
  });

  it('a disabled server starts nothing and fails its calls with its state', async () => {
    const runtime = h.runtime({ ...config('off', stdio([PEER, 'well'])), enabled: false });
    await runtime.start();
    expect(runtime.snapshot().state).toBe('disabled');
    const refused = await runtime.call('c', 'echo', {}, { signal: never }).catch((err: unknown) => err);
    expect(isCell0Error(refused) && refused.code).toBe('MCP_SERVER_FAILED');
  });
});
