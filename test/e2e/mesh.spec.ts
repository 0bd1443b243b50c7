import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ControlClient } from '../../src-main/cli/control-client.js';
import type { EventFrame } from '../../src-main/core/protocol/frames.js';
import type { MeshPairing, MeshStatus } from '../../src-main/core/protocol/mesh-entities.js';
import { ServeProcess } from '../fixtures/serve-process.js';
import { test, expect, openApp, skipOnboarding } from './fixtures.js';

/** A second instance ("the desktop"), driven through its control socket as `cell0 mesh` would. */
async function desktopInstance() {
  const home = await mkdtemp(join(tmpdir(), 'cell0-e2e-peer-'));
  const serve = new ServeProcess(home, {
    CELL0_KEYCHAIN_SERVICE: `Cell 0 e2e ${randomUUID()}`,
    CELL0_MESH_LISTEN: '/ip4/127.0.0.1/tcp/0',
  });
  await serve.start();
  const client = await ControlClient.connect(home);
  const events: EventFrame[] = [];
  const waiters: { match: (f: EventFrame) => boolean; resolve: (f: EventFrame) => void }[] = [];
  client.onEvent((f) => {
    events.push(f);
    for (const w of waiters.splice(0))
      if (w.match(f)) w.resolve(f);
      else waiters.push(w);
  });
  const waitFor = (match: (f: EventFrame) => boolean) =>
    new Promise<EventFrame>((resolve) => {
      const seen = events.find(match);
      if (seen) resolve(seen);
      else waiters.push({ match, resolve });
    });
  return {
    client,
    waitFor,
    async stop() {
      client.close();
      await serve.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}

test('Settings → Mesh: turn it on, pair by address with the code confirmed on both sides, see the peer, unpair', async ({
  page,
  cell0,
}) => {
  const desktop = await desktopInstance();
  try {
    await desktop.client.call('providers.save', {
      kind: 'openai-compatible',
      name: 'Fake',
      baseUrl: cell0.fake.baseUrl,
      defaultModel: 'fake-small',
    });
    await desktop.client.call('mesh.configure', {
      enabled: true,
      mdns: false,
      name: 'desktop',
      allowRemoteWork: true,
    });
    const running = await desktop.waitFor(
      (f) => f.event === 'mesh.updated' && (f.payload as { status: MeshStatus }).status.status === 'running',
    );
    const desktopAddress = (running.payload as { status: MeshStatus }).status.addresses[0]!;

    await openApp(page, cell0.serve.url);
    await skipOnboarding(page);
    await page.getByTestId('nav-settings').click();
    const mesh = page.getByTestId('mesh-section');
    await mesh.scrollIntoViewIfNeeded();
    await expect(mesh.getByTestId('mesh-status')).toHaveAttribute('data-state', 'off');
    await expect(mesh.getByTestId('mesh-fingerprint')).toContainText(/(\d{5} ){11}\d{5}/);
    // Keyboard only: the switches are labelled checkboxes.
    await mesh.getByRole('switch', { name: 'Find instances on this network' }).press('Space');
    await mesh.getByRole('switch', { name: 'Turn on the mesh' }).press('Space');
    await expect(mesh.getByTestId('mesh-status')).toHaveAttribute('data-state', 'running');
    await expect(mesh.getByTestId('mesh-addresses')).toContainText('/ip4/127.0.0.1/tcp/');

    await mesh.getByTestId('mesh-pair-target').fill(desktopAddress);
    await mesh.getByTestId('mesh-pair-target').press('Enter');
    const code = (await mesh.getByTestId('mesh-pairing-code').textContent())!.trim();
    expect(code).toMatch(/^\d{3} \d{3}$/);
    const inbound = await desktop.waitFor(
      (f) =>
        f.event === 'mesh.pairing' && (f.payload as { pairing: MeshPairing }).pairing.direction === 'inbound',
    );
    expect((inbound.payload as { pairing: MeshPairing }).pairing.code).toBe(code);
    await desktop.client.call('mesh.confirm', { code });

    await mesh.getByTestId('mesh-confirm-code').fill(code.replace(' ', ''));
    await mesh.getByTestId('mesh-confirm-code').press('Enter');
    const row = mesh.getByTestId('mesh-paired').getByTestId('mesh-peer');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('desktop');
    await expect(row).toHaveAttribute('data-online', 'true');
    await expect(row).toContainText('fake-small');
    await expect(row).toContainText('remote work on');
    await expect(mesh.getByTestId('mesh-pairing')).toHaveCount(0);

    await row.getByTestId('mesh-unpair').click();
    await page.getByTestId('mesh-unpair-confirm').click();
    await expect(mesh.getByTestId('mesh-paired')).toHaveCount(0);
    await desktop.waitFor(
      (f) => f.event === 'mesh.peer' && (f.payload as { peer: { state: string } }).peer.state === 'revoked',
    );
  } finally {
    await desktop.stop();
  }
});
