import { stat, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlClient } from '../../../src-main/cli/control-client.js';
import { EventBus } from '../../../src-main/core/base/event-bus.js';
import { silentLogger } from '../../../src-main/core/base/logger.js';
import { ControlSocket, controlSocketPath } from '../../../src-main/core/gateway/control-socket.js';
import type { Router } from '../../../src-main/core/protocol/router.js';
import { tempDir } from '../../helpers/core.js';

const router: Router = {
  handle: async (raw) => {
    const req = JSON.parse(String(raw)) as { id: string; method: string };
    return { type: 'res', id: req.id, ok: true, result: { version: `answered ${req.method}` } };
  },
};

describe('the control socket for the cell0 command', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function socketIn(dir: string, bus = new EventBus()) {
    const socket = new ControlSocket({ router, bus, logger: silentLogger, dataDir: dir });
    await socket.start();
    cleanups.push(() => socket.stop());
    return socket;
  }

  it("answers protocol frames and passes events on, from a socket only the data directory's owner can open", async () => {
    const dir = await tempDir();
    cleanups.push(() => dir.remove());
    const bus = new EventBus();
    const socket = await socketIn(dir.path, bus);
    expect(socket.path).toBe(controlSocketPath(dir.path));
    expect((await stat(socket.path)).mode & 0o777).toBe(0o600);
    const client = await ControlClient.connect(dir.path);
    cleanups.push(async () => client.close());
    expect(await client.call('app.info', {})).toEqual({ version: 'answered app.info' });
    const heard = new Promise((resolve) => client.onEvent((f) => resolve(f.event)));
    bus.emit('conversation.deleted', { id: 'c1' });
    expect(await heard).toBe('conversation.deleted');
  });

  it('takes over a socket file a crash left behind, but never one a live app answers on', async () => {
    const dir = await tempDir();
    cleanups.push(() => dir.remove());
    await writeFile(controlSocketPath(dir.path), '');
    await socketIn(dir.path);
    const client = await ControlClient.connect(dir.path);
    cleanups.push(async () => client.close());
    expect(await client.call('app.info', {})).toEqual({ version: 'answered app.info' });
    // A second app on the same directory leaves the first one's socket alone.
    await socketIn(dir.path);
    expect(await client.call('app.info', {})).toEqual({ version: 'answered app.info' });
    const again = await ControlClient.connect(dir.path);
    cleanups.push(async () => again.close());
    expect(await again.call('app.info', {})).toEqual({ version: 'answered app.info' });
  });
});
