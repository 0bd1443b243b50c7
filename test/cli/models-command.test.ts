import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyCatalog, type TinyCatalog } from '../fixtures/gguf/local-catalog.js';
import { AFTER_TOOL_TEXT } from '../fixtures/gguf/tool-calling-model.js';
import { ModelFileServer } from '../fixtures/model-file-server.js';
import { tempDir, testKeychainService } from '../helpers/core.js';

const run = promisify(execFile);

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The built `cell0` command in a child process, as an owner runs it (needs `npm run build`, as
 * npm test does first): from source, tsx's loader would sit between the model worker and every
 * module node-llama-cpp imports.
 */
async function cell0(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  if (!existsSync(`${ROOT}out/main/cli.js`)) throw new Error('Build first: npm run build');
  try {
    const { stdout, stderr } = await run(process.execPath, [`${ROOT}bin/cell0.mjs`, ...args], {
      cwd: process.cwd(),
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('cell0 models and cell0 ask', () => {
  let server: ModelFileServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let catalog: TinyCatalog;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = new ModelFileServer();
    await server.start();
    dir = await tempDir();
    catalog = await tinyCatalog(server, join(dir.path, 'served'));
    env = {
      CELL0_HOME: join(dir.path, 'home'),
      CELL0_MODEL_CATALOG: catalog.file,
      CELL0_KEYCHAIN_SERVICE: testKeychainService(),
      CELL0_LOCAL_GPU: '0',
      CELL0_LOCAL_THREADS: '1',
    };
  });
  afterAll(async () => {
    await server.stop();
    await dir.remove();
  });

  it('pulls a catalog model with progress in the terminal and lists it ready', async () => {
    const pulled = await cell0(['models', 'pull', 'tiny-tools'], env);
    expect(pulled.code).toBe(0);
    expect(pulled.stderr).toMatch(/tiny-tools: 100% .* of /);
    expect(pulled.stderr).toContain('checking the SHA-256');
    expect(pulled.stdout).toContain('tiny-tools is ready (chat');
    expect(pulled.stdout).toContain('matches the published one');
    const listed = await cell0(['models', 'list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^tiny-tools\s+chat\s+\S+ kB\s+\S+ MB\s+ready\s+MIT$/m);
    expect(listed.stdout).toMatch(/^tiny-chat\s+chat.*-\s+MIT$/m);
    expect(listed.stdout).toContain('This computer:');
  }, 60_000);

  it('asks a pulled model headless: the reply on stdout, exit 0', async () => {
    const asked = await cell0(['ask', '--model', 'local:tiny-tools', 'What time is it?'], env);
    expect(asked.stderr).not.toMatch(/failed/);
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stdout.trim()).toBe(AFTER_TOOL_TEXT);
    expect(asked.stderr).toMatch(/conversation [0-9a-f-]{36}/);
  }, 150_000);

  it('fails with the reason for a model that is not on this computer', async () => {
    const asked = await cell0(['ask', '--model', 'local:tiny-chat', 'Hello'], env);
    expect(asked.code).toBe(1);
    expect(asked.stderr).toContain('tiny-chat is not ready on this computer');
    const bad = await cell0(['ask', '--model', 'nonsense', 'Hello'], env);
    expect(bad.code).toBe(2);
  }, 60_000);

  it('says why a pull failed: a 404, a file that is not GGUF', async () => {
    const missing = await cell0(['models', 'pull', `${server.baseUrl}/none/x.gguf`], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('HTTP 404');
    const page = server.serve('/login.gguf', { bytes: Buffer.from('<html>Sign in to download</html>') });
    const notGguf = await cell0(['models', 'pull', page], env);
    expect(notGguf.code).toBe(1);
    expect(notGguf.stderr).toContain('is not a GGUF model file');
    const unknown = await cell0(['models', 'pull', 'no-such-model'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no model called');
  }, 60_000);

  it('removes a model and everything it left', async () => {
    const removed = await cell0(['models', 'remove', 'tiny-tools'], env);
    expect(removed).toMatchObject({ code: 0, stdout: 'Removed tiny-tools.\n' });
    const left = await readdir(join(dir.path, 'home', 'models'));
    expect(left.filter((f) => f.startsWith('tiny-tools'))).toEqual([]);
    const again = await cell0(['models', 'remove', 'tiny-tools'], env);
    expect(again.code).toBe(1);
  }, 60_000);
});
