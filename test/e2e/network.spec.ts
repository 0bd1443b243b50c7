import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect, connectProvider, lastReply, openApp, send } from './fixtures.js';

test('a connection a running call was not granted becomes a card ("wants to reach …"); allowed, the call goes on', async ({
  page,
  cell0,
}) => {
  const host = createServer((_req, res) => res.end('hello through the proxy'));
  await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
  const port = (host.address() as AddressInfo).port;
  try {
    await openApp(page, cell0.serve.url);
    await connectProvider(page, cell0.fake);
    await page.getByTestId('new-conversation').click();
    // The address is filled in by the shell at run time, so the call names no host before it runs.
    const command = `H=127.0.0.1; curl -sS "http://$H:${port}/"`;
    cell0.fake.script(
      {
        tokens: ['Fetching.'],
        toolCalls: [
          { id: 'call_net', name: 'shell', input: { command, network: true, reason: 'Read the page' } },
        ],
      },
      { tokens: [' Got it.'] },
    );
    await send(page, 'Fetch the local page.');

    // The call's own card: it wants network, names no host, so "any public host" is what it gets.
    const callCard = page.locator('[data-testid="permission-card"][data-tool="shell"]');
    await expect(callCard).toHaveAttribute('data-state', 'pending');
    await expect(callCard.getByTestId('permission-network')).toBeVisible();
    await expect(callCard.getByTestId('permission-network-any')).toBeChecked();
    await expect(callCard).toHaveAttribute('data-armed', 'true');
    await callCard.getByTestId('permission-allow-once').click();

    // Loopback is never "public": the proxy holds the connection and asks.
    const connection = page.locator('[data-testid="permission-card"][data-tool="network"]');
    await expect(connection).toHaveAttribute('data-state', 'pending');
    await expect(connection.getByRole('heading')).toHaveText('Allow this connection?');
    await expect(connection.getByTestId('permission-display')).toHaveText(`127.0.0.1:${port}`);
    await expect(connection.getByTestId('permission-risk')).toContainText([
      'reaches this machine or a private network',
    ]);
    await expect(page.getByTestId('tool-card')).toHaveAttribute('data-status', 'running');
    await expect(connection).toHaveAttribute('data-armed', 'true');
    await connection.getByTestId('permission-allow-once').click();

    const tool = page.getByTestId('tool-card');
    await expect(tool).toHaveAttribute('data-status', 'done');
    await expect(tool.getByTestId('tool-output')).toContainText('hello through the proxy');
    await expect(lastReply(page)).toContainText('Got it.');

    // The audit has the connection, with its bytes.
    await page.getByTestId('nav-audit').click();
    await expect(page.locator('[data-testid="audit-row"][data-kind="network.connect"]')).toHaveCount(1);
  } finally {
    await new Promise<void>((r) => host.close(() => r()));
  }
});
