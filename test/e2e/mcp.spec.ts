import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { test, expect, connectProvider, lastReply, openApp, send, openSettings } from './fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE_MODULES = `${ROOT}node_modules`;
const FIXTURES = `${ROOT}test/fixtures/mcp`;
const EVERYTHING = `${NODE_MODULES}/@modelcontextprotocol/server-everything/dist/index.js`;
const PEER = `${FIXTURES}/peer.mjs`;

async function openMcpSettings(page: Page): Promise<void> {
  await openSettings(page, 'mcp');
  await expect(page.getByTestId('settings-section-mcp')).toBeVisible();
}

test('Settings → MCP servers: test, add by command, see the tools and schemas, switch one off; a failing server shows why', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await page.getByTestId('onboarding-skip').click();
  await openMcpSettings(page);
  const section = page.getByTestId('settings-section-mcp');

  await section.getByTestId('mcp-name').fill('everything');
  await section.getByTestId('mcp-command').fill(`node ${EVERYTHING} stdio`);
  await section.getByTestId('mcp-paths').fill(NODE_MODULES);
  await section.getByTestId('mcp-test').click();
  await expect(section.getByTestId('mcp-test-result')).toHaveAttribute('data-ok', 'true');
  await expect(section.getByTestId('mcp-test-result')).toContainText('echo');
  await section.getByTestId('mcp-add').click();

  const row = section.locator('[data-testid="mcp-server-row"][data-name="everything"]');
  await expect(row).toHaveAttribute('data-state', 'ready');
  await expect(row.getByTestId('mcp-runs')).toHaveAttribute('data-runs', 'sandboxed');
  // More than a handful of tools: the list opens on request.
  await row.getByTestId('mcp-tools').locator('summary').first().click();
  const echo = row.locator('[data-testid="mcp-tool"][data-tool="echo"]');
  await expect(echo).toBeVisible();
  await expect(echo).toContainText('Echoes back the input string');
  await echo.getByText('Input schema').click();
  await expect(echo.locator('pre')).toContainText('"message"');
  await echo.getByTestId('mcp-tool-enabled').click();
  await expect(echo).toHaveAttribute('data-enabled', 'false');

  // A server that needs a file it was not given: failed, with what it lacked and its own words.
  await section.getByTestId('mcp-name').fill('needy');
  await section.getByTestId('mcp-command').fill(`node ${PEER} needs /srv/cell0-e2e-missing/config.json`);
  await section.getByTestId('mcp-paths').fill(`${NODE_MODULES}\n${FIXTURES}`);
  await section.getByTestId('mcp-add').click();
  const needy = section.locator('[data-testid="mcp-server-row"][data-name="needy"]');
  await expect(needy).toHaveAttribute('data-state', 'failed');
  await expect(needy.getByTestId('mcp-error')).toContainText(
    'needy could not start: it exited with status 1',
  );
  await needy.getByTestId('mcp-stderr').locator('summary').click();
  await expect(needy.getByTestId('mcp-stderr')).toContainText('cannot read config');
  // The other server is not touched by it.
  await expect(row).toHaveAttribute('data-state', 'ready');

  // Another app's mcpServers block: it comes in sandboxed with nothing declared, and says what it lacks.
  await section.getByTestId('mcp-mode-json').check();
  await section
    .getByTestId('mcp-json')
    .fill(JSON.stringify({ mcpServers: { pasted: { command: 'node', args: [EVERYTHING, 'stdio'] } } }));
  await section.getByTestId('mcp-add').click();
  const pasted = section.locator('[data-testid="mcp-server-row"][data-name="pasted"]');
  await expect(pasted).toHaveAttribute('data-state', 'failed');
  await expect(pasted.getByTestId('mcp-error')).toContainText(
    `It reached for ${EVERYTHING}, which the sandbox does not show`,
  );
  // Given what it asked for, it starts.
  await pasted.getByTestId('mcp-access').locator('summary').click();
  await pasted.getByTestId('mcp-access-paths').fill(NODE_MODULES);
  await pasted.getByTestId('mcp-access-save').click();
  await expect(pasted).toHaveAttribute('data-state', 'ready');

  // Removing asks first, then the row goes.
  await needy.getByTestId('mcp-remove').click();
  await page.getByTestId('mcp-remove-confirm').click();
  await expect(needy).toHaveCount(0);
});

test('an MCP tool’s permission card: `server › tool`, its arguments in full, where it runs; allowed, its answer shows', async ({
  page,
  cell0,
}) => {
  // Added from the terminal: the running app follows the same store.
  execFileSync(
    process.execPath,
    [
      `${ROOT}bin/cell0.mjs`,
      'mcp',
      'add',
      'everything',
      '--allow-path',
      NODE_MODULES,
      '--',
      'node',
      EVERYTHING,
      'stdio',
    ],
    { env: { ...process.env, CELL0_HOME: cell0.home, CELL0_KEYCHAIN_SERVICE: cell0.keychainService } },
  );
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await openMcpSettings(page);
  await expect(page.locator('[data-testid="mcp-server-row"][data-name="everything"]')).toHaveAttribute(
    'data-state',
    'ready',
  );
  await page.getByTestId('nav-chat').click();
  await page.getByTestId('new-conversation').click();
  cell0.fake.script(
    {
      toolCalls: [
        { id: 'call_mcp', name: 'mcp__everything__echo', input: { message: 'hello from chromium <b>&</b>' } },
      ],
    },
    { tokens: ['The server echoed it.'] },
  );
  await send(page, 'Echo through MCP');

  const card = page.locator('[data-testid="permission-card"][data-tool="mcp:everything/echo"]');
  await expect(card).toHaveAttribute('data-state', 'pending');
  await expect(card.getByRole('heading')).toHaveText('Allow everything › echo?');
  await expect(card.getByTestId('permission-display')).toHaveText(
    '{"message":"hello from chromium <b>&</b>"}',
  );
  await expect(card.getByTestId('permission-mcp-runs')).toHaveAttribute('data-runs', 'sandboxed');
  await expect(card.getByTestId('permission-mcp-runs')).toContainText('in the sandbox');
  await expect(card).toHaveAttribute('data-armed', 'true');
  await card.getByTestId('permission-allow-once').click();
  await expect(card).toHaveAttribute('data-state', 'allowed');

  const tool = page.locator('[data-testid="tool-card"][data-tool="mcp:everything/echo"]');
  await expect(tool).toHaveAttribute('data-status', 'done');
  await expect(tool.locator('.tool-card-name')).toHaveText('everything › echo');
  await expect(tool.getByTestId('mcp-runs')).toHaveAttribute('data-runs', 'sandboxed');
  await expect(tool).toContainText('Echo: hello from chromium <b>&</b>');
  await expect(lastReply(page)).toContainText('The server echoed it.');

  await page.getByTestId('nav-audit').click();
  await expect(page.getByTestId('audit-verify-status')).toHaveAttribute('data-ok', 'true');
  await expect(page.locator('[data-testid="audit-row"][data-kind="tool.call"]')).toHaveCount(1);
});
