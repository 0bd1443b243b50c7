import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeshStatus } from '../../src-main/core/protocol/mesh-entities.js';
import { tempDir, type TestCore } from '../helpers/core.js';
import { startMeshCore } from '../helpers/mesh.js';

const run = promisify(execFile);

/** The real command in a child process, as `cell0 mesh …` runs it, against the app on CELL0_HOME. */
async function mesh(args: string[], home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `import('./src-main/cli/mesh-command.ts').then((m) => m.meshCommand(${JSON.stringify(args)}))`;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: process.cwd(),
      env: { ...process.env, CELL0_HOME: home },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('cell0 mesh', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startMeshCore();
  });
  afterAll(() => t.close());

  it('acts on the running app: turns the mesh on and shows its status and peers', async () => {
    const off = await mesh(['status', '--json'], t.dataDir);
    expect(JSON.parse(off.stdout)).toMatchObject({
      status: 'off',
      settings: { enabled: false, allowRemoteWork: false },
    });
    await t.call('mesh.configure', { mdns: false });
    expect((await mesh(['on'], t.dataDir)).stdout).toContain('Mesh turned on');
    await t.waitFor(
      (f) => f.event === 'mesh.updated' && (f.payload as { status: MeshStatus }).status.status === 'running',
    );
    const status = await mesh(['status'], t.dataDir);
    expect(status.stdout).toMatch(/^Mesh: running/);
    expect(status.stdout).toContain('/ip4/127.0.0.1/tcp/');
    expect((await mesh(['remote-work', 'on'], t.dataDir)).stdout).toContain('allowed');
    expect((await t.call('mesh.status')).settings.allowRemoteWork).toBe(true);
    expect((await mesh(['peers'], t.dataDir)).stdout).toContain('No peers yet');
  });

  it('says what is wrong: a bad address, a usage error, or no app running', async () => {
    const bad = await mesh(['pair', 'not an address'], t.dataDir);
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.stderr).toContain('is not an address');
    expect(await mesh(['pair'], t.dataDir)).toMatchObject({ code: 2 });
    const empty = await tempDir();
    try {
      const none = await mesh(['status'], empty.path);
      expect(none).toMatchObject({ code: 1 });
      expect(none.stderr).toContain('No Cell 0 is running on');
    } finally {
      await empty.remove();
    }
  });
});
