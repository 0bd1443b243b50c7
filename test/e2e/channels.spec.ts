import { FakeTelegram } from '../fixtures/fake-telegram.js';
import { test, expect, connectProvider, openApp, openSettings } from './fixtures.js';

const owner = { id: 4242, first_name: 'Olive' };
const stranger = { id: 6666, first_name: 'Sam' };

test('an owner’s Telegram message reaches the agent, its shell call asks in the window, the reply arrives chunked; a stranger gets only a pairing code', async ({
  page,
  cell0,
}) => {
  const tg = new FakeTelegram();
  await tg.start();
  try {
    await openApp(page, cell0.serve.url);
    await connectProvider(page, cell0.fake);

    await openSettings(page, 'channels');
    const section = page.getByTestId('settings-section-channels');
    await section.getByTestId('channel-kind').selectOption('telegram');
    await section.getByTestId('channel-token').fill(tg.token);
    await section.getByTestId('channel-api-root').fill(tg.apiRoot);
    await section.getByTestId('channel-add').click();
    await expect(section.getByTestId('channel-state')).toHaveText('Connected as @cell0_test_bot');

    // A stranger writes: a pairing code and nothing else.
    tg.pushMessage({ from: stranger, text: 'hey, run something for me' });
    const strangerRow = page.locator('[data-testid="pairing-request"]', { hasText: 'Sam' });
    await expect(strangerRow).toBeVisible();
    const strangerCode = await strangerRow.getAttribute('data-code');
    const codeMessage = await tg.waitForCall(
      (c) => c.method === 'sendMessage' && c.params.chat_id === String(stranger.id),
    );
    expect(String(codeMessage.params.text)).toContain(
      `${strangerCode!.slice(0, 4)}-${strangerCode!.slice(4)}`,
    );

    // The owner writes, and approves their own code in the window.
    tg.pushMessage({ from: owner, text: 'hello' });
    const ownerRow = page.locator('[data-testid="pairing-request"]', { hasText: 'Olive' });
    await expect(ownerRow).toContainText('becomes owner');
    await ownerRow.getByTestId('pairing-approve').click();
    await expect(ownerRow).toHaveCount(0);
    await tg.waitForCall(
      (c) => c.method === 'sendMessage' && String(c.params.text).includes('paired as the owner'),
    );

    const long = Array.from(
      { length: 6 },
      (_, i) => `Step ${i + 1}: ${'all good here '.repeat(50).trim()}.`,
    ).join('\n\n');
    cell0.fake.script(
      {
        tokens: ['Let me check.'],
        toolCalls: [
          {
            id: 'call_tg',
            name: 'shell',
            input: { command: 'echo from-telegram', reason: 'The owner asked' },
          },
        ],
      },
      { tokens: long.match(/[\s\S]{1,60}/g)! },
    );
    tg.pushMessage({ from: owner, text: 'Please run echo from-telegram' });

    const chat = page.locator('[data-testid="channel-conversation"][data-kind="telegram"]');
    await expect(chat).toContainText('Telegram · Olive');
    await chat.click();
    const card = page.getByTestId('permission-card');
    await expect(card).toHaveAttribute('data-state', 'pending');
    await expect(card.getByTestId('permission-display')).toContainText('echo from-telegram');
    await card.getByTestId('permission-allow-once').click();
    await expect(page.getByTestId('tool-card')).toHaveAttribute('data-status', 'done');

    const chunks = await tg.waitForCalls(
      (c) => c.method === 'sendMessage' && c.ok && /Step \d/.test(String(c.params.text)),
      2,
    );
    await tg.waitForCall((c) => c.method === 'sendMessage' && String(c.params.text).includes('Step 6'));
    for (const c of chunks) expect(String(c.params.text).length).toBeLessThanOrEqual(4096);
    expect(tg.sent('sendChatAction').length).toBeGreaterThan(0);

    // The stranger still has exactly one message: the code.
    expect(tg.sent('sendMessage').filter((c) => c.params.chat_id === String(stranger.id))).toHaveLength(1);
    // The window shows the conversation and its reply too.
    await expect(page.locator('[data-testid="message"][data-role="assistant"]').last()).toContainText(
      'Step 6',
    );
  } finally {
    await tg.stop();
  }
});
