import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { defaultWorkspaceRoot } from '../../src-main/core/kernel/kernel.js';
import { test, expect, connectProvider, lastReply, openApp, send } from './fixtures.js';

function messages(page: Page) {
  return page.locator('[data-testid="message"]');
}

function chatBodies(requests: { path: string; body: unknown }[]) {
  return requests
    .filter((r) => r.path === '/v1/chat/completions')
    .map(
      (r) =>
        r.body as {
          messages: { role: string; content: unknown }[];
          temperature?: number;
          max_tokens?: number;
          max_completion_tokens?: number;
          tools?: unknown[];
        },
    );
}

test('regenerate keeps versions browsable, an edit starts a branch, and both survive a reload', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  cell0.fake.script({ tokens: ['First answer.'] });
  await send(page, 'Tell me a fact');
  await expect(lastReply(page)).toContainText('First answer.');
  await expect(lastReply(page)).toHaveAttribute('data-status', 'complete');

  // Regenerate: a second version, ‹ 2/2 ›, and the first one a click away.
  cell0.fake.script({ tokens: ['Second answer.'] });
  await lastReply(page).hover();
  await lastReply(page).getByTestId('message-regenerate').click();
  await expect(lastReply(page)).toContainText('Second answer.');
  await expect(lastReply(page).getByTestId('version-count')).toHaveText('Version 2/2');
  await expect(messages(page)).toHaveCount(2);
  await lastReply(page).getByTestId('version-previous').click();
  await expect(lastReply(page)).toContainText('First answer.');
  await expect(lastReply(page).getByTestId('version-count')).toHaveText('Version 1/2');
  await lastReply(page).getByTestId('version-next').click();
  await expect(lastReply(page)).toContainText('Second answer.');

  // Edit the first message: a branch with its own reply; the old continuation stays as version 1.
  cell0.fake.script({ tokens: ['About octopuses.'] });
  const user = messages(page).first();
  await user.hover();
  await user.getByTestId('message-edit').click();
  await page.getByTestId('edit-message-input').fill('Tell me a fact about octopuses');
  await page.getByTestId('edit-message-input').press('Enter');
  await expect(lastReply(page)).toContainText('About octopuses.');
  await expect(messages(page).first()).toContainText('Tell me a fact about octopuses');
  await expect(messages(page).first().getByTestId('version-count')).toHaveText('Version 2/2');
  // The model saw the edited text, not the old one.
  const last = chatBodies(cell0.fake.requests).at(-1)!;
  expect(JSON.stringify(last.messages)).toContain('about octopuses');
  expect(JSON.stringify(last.messages)).not.toContain('Second answer.');

  await page.reload();
  await expect(messages(page).first()).toContainText('Tell me a fact about octopuses');
  await expect(lastReply(page)).toContainText('About octopuses.');
  await messages(page).first().getByTestId('version-previous').click();
  await expect(messages(page).first()).toContainText('Tell me a fact');
  await expect(messages(page).first()).not.toContainText('octopuses');
  // The old branch comes back whole, with its regenerated reply and its versions.
  await expect(lastReply(page)).toContainText('Second answer.');
  await expect(lastReply(page).getByTestId('version-count')).toHaveText('Version 2/2');
  await page.reload();
  await expect(lastReply(page)).toContainText('Second answer.');
  await expect(messages(page).first().getByTestId('version-count')).toHaveText('Version 1/2');

  // The JSON export shows the same path and carries the other versions too.
  const download = page.waitForEvent('download');
  await page.getByTestId('export-json').click();
  const file = await (await download).path();
  const exported = JSON.parse(await readFile(file, 'utf8')) as {
    messages: { content: string; versions?: { current: number; total: number } }[];
    branches: { messages: { content: string }[] }[];
  };
  expect(exported.messages.map((m) => m.content)).toEqual(['Tell me a fact', 'Second answer.']);
  expect(exported.messages[0]!.versions).toEqual({ current: 1, total: 2 });
  const setAside = exported.branches.flatMap((b) => b.messages.map((m) => m.content));
  expect(setAside).toEqual(expect.arrayContaining(['Tell me a fact about octopuses', 'First answer.']));
});

test('copy as Markdown or plain text, and delete a message or everything after it', async ({
  page,
  context,
  cell0,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  cell0.fake.script({ tokens: ['Use **bold** and `code`.'] }, { tokens: ['Two.'] }, { tokens: ['Three.'] });
  await send(page, 'One');
  await expect(lastReply(page)).toContainText('Use bold and code.');
  await lastReply(page).hover();
  await lastReply(page).getByTestId('message-copy').click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('Use **bold** and `code`.');
  await lastReply(page).getByTestId('message-copy-plain').click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('Use bold and code.');

  // By keyboard: Enter on the list focuses the latest message, ↑ the one before, Tab its actions.
  await page.getByTestId('message-list').focus();
  await page.keyboard.press('Enter');
  await expect(lastReply(page)).toBeFocused();
  await page.keyboard.press('ArrowUp');
  const question = messages(page).first();
  await expect(question).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(question.getByTestId('message-copy')).toBeFocused();
  await expect(question.getByTestId('message-actions')).toHaveCSS('opacity', '1');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('One');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('message-list')).toBeFocused();

  await send(page, 'Second question');
  await expect(lastReply(page)).toContainText('Two.');
  await send(page, 'Third question');
  await expect(lastReply(page)).toContainText('Three.');
  await expect(messages(page)).toHaveCount(6);

  // Delete one message: the rest stay, in order.
  const second = messages(page).nth(2);
  await second.hover();
  await second.getByTestId('message-delete').click();
  await page.getByTestId('confirm-delete-message').click();
  await expect(messages(page)).toHaveCount(5);
  await expect(messages(page).nth(2)).toContainText('Two.');

  // Delete from here on.
  const two = messages(page).nth(2);
  await two.hover();
  await two.getByTestId('message-delete').click();
  await page.getByTestId('delete-scope-rest').check();
  await page.getByTestId('confirm-delete-message').click();
  await expect(messages(page)).toHaveCount(2);
  await page.reload();
  await expect(messages(page)).toHaveCount(2);
  await expect(lastReply(page)).toContainText('Use bold and code.');
});

test('conversation settings reach the model: system prompt, temperature, max tokens, tools off', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  cell0.fake.script({ tokens: ['Hi.'] });
  await send(page, 'Hello');
  await expect(lastReply(page)).toContainText('Hi.');
  const before = chatBodies(cell0.fake.requests).at(-1)!;
  expect(before.tools?.length ?? 0).toBeGreaterThan(0);

  await page.getByTestId('conversation-settings-open').click();
  const panel = page.getByTestId('conversation-settings');
  await panel.getByTestId('conv-system-prompt').fill('Answer like a pirate.');
  await panel.getByTestId('conv-temperature').fill('3');
  await panel.getByTestId('conv-settings-save').click();
  await expect(panel.getByTestId('conv-settings-error')).toContainText('Temperature is a number from 0 to 2');
  await panel.getByTestId('conv-temperature').fill('0.3');
  await panel.getByTestId('conv-max-tokens').fill('256');
  await panel.getByTestId('conv-tools').uncheck();
  await panel.getByTestId('conv-settings-save').click();
  await expect(panel).toBeHidden();

  cell0.fake.script({ tokens: ['Arr.'] });
  await send(page, 'Hello again');
  await expect(lastReply(page)).toContainText('Arr.');
  const after = chatBodies(cell0.fake.requests).at(-1)!;
  expect(after.messages[0]!.role).toBe('system');
  expect(JSON.stringify(after.messages[0]!.content)).toContain('Answer like a pirate.');
  expect(after.temperature).toBe(0.3);
  expect(after.max_tokens ?? after.max_completion_tokens).toBe(256);
  expect(after.tools ?? []).toHaveLength(0);

  // Kept across a reload.
  await page.reload();
  await page.getByTestId('conversation-settings-open').click();
  await expect(page.getByTestId('conv-system-prompt')).toHaveValue('Answer like a pirate.');
  await expect(page.getByTestId('conv-tools')).not.toBeChecked();
});

test('a text file lands in the workspace and reaches the model; an image is refused by a text-only model', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();

  await page.getByTestId('attachment-input').setInputFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('The launch code is PELICAN-42.\n'),
  });
  await expect(page.locator('.composer-attachments').getByTestId('attachment-chip')).toContainText(
    'notes.txt',
  );
  cell0.fake.script({ tokens: ['Read it.'] });
  await send(page, 'What does the file say?');
  await expect(lastReply(page)).toContainText('Read it.');
  await expect(messages(page).first().getByTestId('attachment-chip')).toContainText('notes.txt');
  const body = chatBodies(cell0.fake.requests).at(-1)!;
  const asked = JSON.stringify(body.messages.at(-1));
  expect(asked).toContain('PELICAN-42');
  expect(asked).toContain('attachments/notes.txt');

  // On disk, in this conversation's workspace: the sandbox's only writable place.
  const root = defaultWorkspaceRoot(cell0.home);
  const [conversationDir] = await readdir(root);
  expect(await readFile(join(root, conversationDir!, 'attachments', 'notes.txt'), 'utf8')).toBe(
    'The launch code is PELICAN-42.\n',
  );

  // A type Cell 0 cannot read is refused before upload, with what it takes.
  await page.getByTestId('attachment-input').setInputFiles({
    name: 'tool.exe',
    mimeType: 'application/x-msdownload',
    buffer: Buffer.from('MZ'),
  });
  await expect(page.getByTestId('attachment-error')).toContainText(
    'Attach an image (PNG, JPEG, GIF, WebP), a PDF or a text file',
  );

  // An image to fake-small (text only): refused politely, nothing stored, the words given back.
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  );
  await page
    .getByTestId('attachment-input')
    .setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: png });
  const tray = page.locator('.composer-attachments').getByTestId('attachment-chip');
  await expect(tray).toContainText('cat.png');
  const requestsBefore = chatBodies(cell0.fake.requests).length;
  await send(page, 'What is in this picture?');
  await expect(page.locator('.composer-error[role="alert"]').first()).toContainText(
    'fake-small reads text only, so it cannot look at',
  );
  await expect(messages(page)).toHaveCount(2);
  await expect(page.getByTestId('composer-input')).toHaveValue('What is in this picture?');
  await expect(tray).toContainText('cat.png');
  expect(chatBodies(cell0.fake.requests)).toHaveLength(requestsBefore);
});
