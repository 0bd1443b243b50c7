import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ControlClient } from '../../src-main/cli/control-client.js';
import type { EventFrame } from '../../src-main/core/protocol/frames.js';
import type { MeshPairing, MeshStatus } from '../../src-main/core/protocol/mesh-entities.js';
import { ServeProcess } from '../fixtures/serve-process.js';
import { swarmResponder } from '../fixtures/swarm-script.js';
import {
  test,
  expect,
  connectProvider,
  lastReply,
  openApp,
  send,
  skipOnboarding,
  openSettings,
} from './fixtures.js';

/** An instance's control socket with its events, as `cell0 mesh` talks to it. */
async function controlled(home: string) {
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
  return { client, waitFor };
}

/** This instance's mesh on and paired with the desktop through its control socket, as `cell0 mesh` does it. */
async function pairThroughControl(
  home: string,
  desktop: {
    address: string;
    client: ControlClient;
    waitFor: (m: (f: EventFrame) => boolean) => Promise<EventFrame>;
  },
): Promise<void> {
  const laptop = await controlled(home);
  try {
    await laptop.client.call('mesh.configure', { enabled: true, mdns: false, name: 'laptop' });
    await laptop.waitFor(running);
    const { pairing } = await laptop.client.call('mesh.pair', { target: desktop.address });
    await desktop.waitFor((f) => f.event === 'mesh.pairing');
    await desktop.client.call('mesh.confirm', { code: pairing.code });
    await laptop.client.call('mesh.confirm', { code: pairing.code });
    await laptop.waitFor(
      (f) =>
        f.event === 'mesh.peer' &&
        (f.payload as { peer: { capabilities: unknown } }).peer.capabilities !== null,
    );
  } finally {
    laptop.client.close();
  }
}

const running = (f: EventFrame) =>
  f.event === 'mesh.updated' && (f.payload as { status: MeshStatus }).status.status === 'running';

/** A second instance ("the desktop") with a provider, its mesh on, remote work allowed. */
async function desktopInstance(baseUrl: string) {
  const home = await mkdtemp(join(tmpdir(), 'cell0-e2e-peer-'));
  const serve = new ServeProcess(home, {
    CELL0_KEYCHAIN_SERVICE: `Cell 0 e2e ${randomUUID()}`,
    CELL0_MESH_LISTEN: '/ip4/127.0.0.1/tcp/0',
  });
  await serve.start();
  const stop = async () => {
    await serve.stop();
    await rm(home, { recursive: true, force: true });
  };
  try {
    const { client, waitFor } = await controlled(home);
    await client.call('providers.save', {
      kind: 'openai-compatible',
      name: 'Fake',
      baseUrl,
      defaultModel: 'fake-small',
    });
    await client.call('mesh.configure', {
      enabled: true,
      mdns: false,
      name: 'desktop',
      allowRemoteWork: true,
    });
    const address = ((await waitFor(running)).payload as { status: MeshStatus }).status.addresses[0]!;
    return {
      client,
      waitFor,
      address,
      async stop() {
        client.close();
        await stop();
      },
    };
  } catch (err) {
    // A setup that fails stops what it started.
    await stop();
    throw err;
  }
}

test('Settings → Mesh: turn it on, pair by address with the code confirmed on both sides, see the peer, unpair', async ({
  page,
  cell0,
}) => {
  const desktop = await desktopInstance(cell0.fake.baseUrl);
  try {
    const desktopAddress = desktop.address;
    await openApp(page, cell0.serve.url);
    await skipOnboarding(page);
    await openSettings(page, 'mesh');
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

test('the swarm graph labels each node with the machine it runs on', async ({ page, cell0 }) => {
  const desktop = await desktopInstance(cell0.fake.baseUrl);
  try {
    await openApp(page, cell0.serve.url);
    await connectProvider(page, cell0.fake);
    await pairThroughControl(cell0.home, desktop);

    cell0.fake.responder = swarmResponder({
      plan: [
        { id: 'far', title: 'Far part', machine: 'desktop' },
        { id: 'near', title: 'Near part' },
      ],
      workers: {
        far: { replies: [{ tokens: ['Done ', 'far away.'] }] },
        near: { replies: [{ tokens: ['Done ', 'here.'] }] },
      },
      merge: 'Both parts done.',
    }).respond;
    await page.getByTestId('new-conversation').click();
    await send(page, '/swarm Do it on two machines');
    await expect(lastReply(page)).toContainText('Both parts done.');
    const graph = page.getByTestId('inspector-swarm').getByTestId('swarm-graph');
    const node = (title: string) =>
      graph.getByTestId('swarm-node').filter({ has: page.getByRole('button', { name: new RegExp(title) }) });
    await expect(node('Far part').getByTestId('swarm-node-machine')).toHaveText('desktop');
    await expect(node('Far part').getByTestId('swarm-node-machine')).toHaveAttribute(
      'aria-label',
      'Runs on desktop (the plan put it on desktop)',
    );
    await expect(node('Near part').getByTestId('swarm-node-machine')).toHaveText('laptop');
    await expect(node('Coordinator').getByTestId('swarm-node-machine')).toHaveText('laptop');
  } finally {
    await desktop.stop();
  }
});

test("a remote worker's permission card shows in this window, names the machine, and allowing it once runs the call there", async ({
  page,
  cell0,
}) => {
  const desktop = await desktopInstance(cell0.fake.baseUrl);
  try {
    await openApp(page, cell0.serve.url);
    await connectProvider(page, cell0.fake);
    await pairThroughControl(cell0.home, desktop);
    cell0.fake.responder = swarmResponder({
      plan: [{ id: 'far', title: 'Write far', machine: 'desktop', tools: ['shell'] }],
      workers: {
        far: {
          replies: [
            { toolCalls: [{ name: 'shell', input: { command: 'echo far > far.txt', reason: 'Note it' } }] },
          ],
          afterTool: { tokens: ['Written on the desktop.'] },
        },
      },
      merge: 'The note is on the desktop.',
    }).respond;
    await page.getByTestId('new-conversation').click();
    await send(page, '/swarm Write a note on the desktop');
    const card = lastReply(page).locator('[data-testid="permission-card"][data-state="pending"]');
    await expect(card.getByTestId('permission-display')).toContainText('echo far > far.txt');
    await expect(card.getByTestId('permission-machine')).toContainText('desktop');
    // Wider grants for the desktop are made on the desktop.
    await expect(card.getByTestId('permission-allow-always')).toHaveCount(0);
    await expect(card.getByTestId('permission-allow-conversation')).toHaveCount(0);
    await card.getByTestId('permission-allow-once').click();
    await expect(lastReply(page)).toContainText('The note is on the desktop.');
    const records = (await desktop.client.call('audit.list', { limit: 50 })).records;
    expect(records.some((r) => r.kind === 'mesh.remote' && r.outcome.includes('allow-once'))).toBe(true);
    expect(records.some((r) => r.kind === 'tool.result')).toBe(true);
  } finally {
    await desktop.stop();
  }
});
