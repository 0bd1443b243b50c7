import type { Page } from '@playwright/test';
import { test, expect, connectProvider, lastReply, openApp, send } from './fixtures.js';

/** Nothing wider than the window: no element's right edge past the viewport, no horizontal scroll. */
async function expectNoOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    // Past the edge but inside a box that clips or scrolls (and itself fits) is not overflow.
    const clipped = (el: HTMLElement): boolean => {
      for (let p = el.parentElement; p; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible' && p.getBoundingClientRect().right <= width + 1)
          return true;
      }
      return false;
    };
    const wide = Array.from(document.querySelectorAll<HTMLElement>('body *'))
      .filter((el) => {
        const r = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return r.width > 0 && style.visibility !== 'hidden' && r.right > width + 1 && !clipped(el);
      })
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
    return { scroll: document.documentElement.scrollWidth > width, wide: wide.slice(0, 5) };
  });
  expect(overflow).toEqual({ scroll: false, wide: [] });
}

/** Every button, link, input and select has a name a screen reader can say. */
async function expectLabelled(page: Page): Promise<void> {
  const unnamed = await page.evaluate(() =>
    Array.from(
      document.querySelectorAll<HTMLElement>('button, a[href], input:not([type="hidden"]), select, textarea'),
    )
      .filter((el) => !el.hidden && el.getClientRects().length > 0)
      .filter((el) => {
        const label =
          el.getAttribute('aria-label') ??
          el.getAttribute('aria-labelledby') ??
          (el as HTMLInputElement).labels?.[0]?.textContent ??
          el.textContent ??
          el.getAttribute('title') ??
          '';
        return label.trim() === '';
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  expect(unnamed).toEqual([]);
}

test('pin, rename inline, archive; Ctrl+B collapses the sidebar; Ctrl+/ lists the shortcuts', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  const items = page.getByTestId('conversation-item');
  await page.getByTestId('new-conversation').click();
  cell0.fake.script({ tokens: ['A.'] }, { tokens: ['B.'] });
  await send(page, 'Alpha topic');
  await expect(lastReply(page)).toContainText('A.');
  await page.getByTestId('new-conversation').click();
  await send(page, 'Beta topic');
  await expect(lastReply(page)).toContainText('B.');
  await expect(items.nth(0)).toContainText('Beta topic');

  // Pin the older one: it goes to the top, under Pinned, and stays there after a reload.
  await items.filter({ hasText: 'Alpha topic' }).getByTestId('conversation-pin').click();
  await expect(page.getByTestId('pinned-list').getByTestId('conversation-item')).toContainText('Alpha topic');
  await expect(items.nth(0)).toHaveAttribute('data-pinned', 'true');
  await page.reload();
  await expect(items.nth(0)).toContainText('Alpha topic');

  // Rename inline with F2 on the row.
  await items.filter({ hasText: 'Beta topic' }).locator('.conversation-select').focus();
  await page.keyboard.press('F2');
  await page.getByTestId('conversation-title-input').fill('Beta renamed');
  await page.getByTestId('conversation-title-input').press('Enter');
  await expect(items.filter({ hasText: 'Beta renamed' })).toHaveCount(1);

  // Archive: out of the list, under "Show archived", messages kept.
  await items.filter({ hasText: 'Beta renamed' }).getByTestId('conversation-archive').click();
  await expect(items).toHaveCount(1);
  await page.getByTestId('archived-toggle').click();
  const archived = page.getByTestId('archived-list').getByTestId('conversation-item');
  await expect(archived).toContainText('Beta renamed');
  await archived.locator('.conversation-select').click();
  await expect(lastReply(page)).toContainText('B.');
  await archived.getByTestId('conversation-archive').click();
  await expect(page.getByTestId('archived-toggle')).toHaveCount(0);
  await expect(items).toHaveCount(2);

  // Ctrl+B hides the sidebar and brings it back; remembered across a reload.
  await page.getByTestId('composer-input').focus();
  await page.keyboard.press('Control+b');
  await expect(page.getByTestId('app')).toHaveAttribute('data-sidebar', 'collapsed');
  await expect(page.getByTestId('new-conversation')).toBeHidden();
  await page.reload();
  await expect(page.getByTestId('app')).toHaveAttribute('data-sidebar', 'collapsed');
  await page.getByTestId('sidebar-expand').click();
  await expect(page.getByTestId('new-conversation')).toBeVisible();

  // Ctrl+/ : the shortcut sheet; Esc closes it.
  await page.keyboard.press('Control+/');
  const sheet = page.getByTestId('shortcut-sheet');
  await expect(sheet).toBeVisible();
  await expect(sheet).toContainText('Show or hide the sidebar');
  await page.keyboard.press('Escape');
  await expect(sheet).toBeHidden();
});

test('the slash menu hints as you type and runs a command by keyboard; /dry-run sets a flag', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  const input = page.getByTestId('composer-input');
  await input.fill('/');
  const menu = page.getByTestId('slash-menu');
  await expect(menu).toBeVisible();
  await expect(menu.getByTestId('slash-item')).toHaveCount(5);
  await input.pressSequentially('dr');
  await expect(menu.getByTestId('slash-item')).toHaveCount(1);
  await expect(menu).toContainText('from the lab');
  await input.press('Enter');
  // The lab's Dry run toggle, turned on from the keyboard.
  await expect(page.getByTestId('composer-dry-run-toggle')).toHaveAttribute('aria-pressed', 'true');
  await expect(input).toHaveValue('');

  await input.fill('/sw');
  await expect(menu.getByTestId('slash-item')).toHaveText([/\/swarm/]);
  await input.press('Tab');
  await expect(input).toHaveValue('/swarm ');
  await expect(menu).toBeHidden();

  await input.fill('/set');
  await input.press('Enter');
  await expect(page.getByTestId('conversation-settings')).toBeVisible();
  await page.keyboard.press('Escape');

  // Esc closes the menu and keeps the text.
  await input.fill('/mo');
  await expect(menu).toBeVisible();
  await input.press('Escape');
  await expect(menu).toBeHidden();
  await expect(input).toHaveValue('/mo');
});

test('Settings shows one section at a time, chosen in its list or named by the URL hash; Back returns to the section before; Memory has a way back', async ({
  page,
  cell0,
}) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('nav-settings').click();
  const nav = page.getByTestId('settings-nav');
  const shown = page.locator('[data-settings-section]');
  const current = (id: string) => nav.getByTestId(`settings-nav-${id}`);
  await expect(nav.getByRole('link')).toHaveCount(13);

  // Opened without a section: the first one, alone on the right, and the URL names it.
  await expect(current('models')).toHaveAttribute('aria-current', 'page');
  await expect(page).toHaveURL(/#settings\/models$/);
  await expect(shown).toHaveCount(1);
  await expect(page.getByTestId('settings-section-models')).toBeVisible();

  // By keyboard: the list's links take the focus and Enter opens one, in place of the other.
  await current('desktop').focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#settings\/desktop$/);
  await expect(current('desktop')).toHaveAttribute('aria-current', 'page');
  await expect(current('models')).not.toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('settings-section-desktop')).toBeInViewport();
  await expect(page.getByTestId('settings-section-models')).toHaveCount(0);
  await expect(shown).toHaveCount(1);

  // Defaults for new conversations, from Settings.
  await current('conversations').click();
  const defaults = page.getByTestId('settings-section-conversations');
  await defaults.getByTestId('conv-system-prompt').fill('Always answer in French.');
  await defaults.getByTestId('conversation-defaults-save').click();
  await expect(defaults.getByTestId('conversation-defaults-saved')).toBeVisible();

  // Back and Forward walk the sections chosen.
  await page.goBack();
  await expect(current('desktop')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('settings-section-desktop')).toBeVisible();
  await expect(page.getByTestId('settings-section-conversations')).toHaveCount(0);
  await page.goBack();
  await expect(current('models')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('settings-section-models')).toBeVisible();
  await page.goForward();
  await expect(page.getByTestId('settings-section-desktop')).toBeVisible();

  // Leaving Settings takes the section out of the URL; a link straight to one opens Settings
  // there, from anywhere; so does a reload.
  await page.getByTestId('nav-chat').click();
  await expect(page).not.toHaveURL(/#settings/);
  await page.evaluate(() => (window.location.hash = '#settings/identity'));
  await expect(current('identity')).toHaveAttribute('aria-current', 'page');
  await expect(page.locator('#settings-identity')).toBeInViewport();
  await expect(shown).toHaveCount(1);
  await current('mesh').click();
  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  await expect(current('mesh')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('mesh-section')).toBeVisible();
  await expect(shown).toHaveCount(1);

  // A section that does not exist opens the first.
  await page.evaluate(() => (window.location.hash = '#settings/nowhere'));
  await expect(current('models')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('settings-section-models')).toBeVisible();

  await page.getByTestId('nav-chat').click();
  await page.getByTestId('new-conversation').click();
  cell0.fake.script({ tokens: ['Bonjour.'] });
  await send(page, 'Hello');
  await expect(lastReply(page)).toContainText('Bonjour.');
  const body = cell0.fake.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!.body;
  expect(JSON.stringify(body)).toContain('Always answer in French.');

  await page.getByTestId('nav-memory').click();
  await expect(page.getByTestId('memory-view')).toBeVisible();
  await page.getByTestId('back-to-chat').click();
  await expect(page.getByTestId('composer-input')).toBeFocused();
});

test('"used N memories" shows while the reply is still streaming', async ({ page, cell0 }) => {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('nav-memory').click();
  await page.getByTestId('memory-add').click();
  await page.getByTestId('memory-add-text').fill('The owner is allergic to peanuts.');
  await page.getByTestId('memory-add-save').click();
  await page.getByTestId('memory-item').getByTestId('memory-pin').click();
  await page.getByTestId('back-to-chat').click();
  await page.getByTestId('new-conversation').click();
  cell0.fake.script({ tokens: Array.from({ length: 60 }, (_, i) => `w${i} `), delayMs: 60 });
  await send(page, 'Suggest a snack');
  const reply = lastReply(page);
  await expect(reply).toContainText('w1');
  await expect(reply.getByTestId('message-memories')).toContainText('1 memory');
  await expect(reply).toHaveAttribute('data-status', 'streaming');
  await expect(reply).toHaveAttribute('data-status', 'complete');
});

test('at 700×600 the sidebar is a drawer: hidden by itself, opened by its button or Ctrl+B, closed by Esc or a choice; the wide window keeps its own setting', async ({
  page,
  cell0,
}) => {
  await page.setViewportSize({ width: 700, height: 600 });
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  const app = page.getByTestId('app');
  const newChatButton = page.getByTestId('new-conversation');
  cell0.fake.script({ tokens: ['First.'] });
  await send(page, 'One');
  await expect(lastReply(page)).toContainText('First.');
  await page.keyboard.press('Control+n');
  await expect(page.getByTestId('message')).toHaveCount(0);

  // Narrow: the sidebar is out of the way, and nothing overflows.
  await expect(app).toHaveAttribute('data-sidebar', 'collapsed');
  await expect(newChatButton).toBeHidden();
  await expectNoOverflow(page);

  // Its labelled button opens it over the conversation, with the focus in it; Esc closes it.
  const expand = page.getByRole('button', { name: 'Show the sidebar' });
  await expand.click();
  await expect(app).toHaveAttribute('data-sidebar', 'open');
  await expect(newChatButton).toBeFocused();
  await expect(page.getByTestId('sidebar-backdrop')).toBeVisible();
  await expectNoOverflow(page);
  await expectLabelled(page);
  await page.screenshot({ path: test.info().outputPath('sidebar-drawer-700x600.png') });
  await page.keyboard.press('Escape');
  await expect(newChatButton).toBeHidden();
  await expect(expand).toBeFocused();

  // Ctrl+B opens it too; choosing a conversation closes it and shows that conversation.
  await page.keyboard.press('Control+b');
  await expect(newChatButton).toBeVisible();
  // By its title: the list is ordered by last update, and "One" may still be updated (its reply
  // saved) after the new chat was made, which puts it first.
  await page
    .getByTestId('conversation-item')
    .filter({ hasText: 'One' })
    .locator('.conversation-select')
    .click();
  await expect(newChatButton).toBeHidden();
  await expect(lastReply(page)).toContainText('First.');

  // Choosing another view closes it as well; Settings fits the narrow window.
  await expand.click();
  await page.getByTestId('nav-settings').click();
  await expect(newChatButton).toBeHidden();
  await expect(page.getByTestId('settings-section-models')).toBeVisible();
  await expectNoOverflow(page);
  await page.getByTestId('nav-chat').click();

  // Wide again: the sidebar is back, since the user never hid it there (the drawer is not a choice).
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(app).toHaveAttribute('data-window', 'wide');
  await expect(app).toHaveAttribute('data-sidebar', 'open');
  await expect(newChatButton).toBeVisible();
  // Hidden by choice in the wide window: still hidden after a narrow spell and a reload.
  await page.keyboard.press('Control+b');
  await expect(app).toHaveAttribute('data-sidebar', 'collapsed');
  await page.setViewportSize({ width: 700, height: 600 });
  // Ctrl+B opens the drawer once the window knows it is narrow (before, it is the wide setting's).
  await expect(app).toHaveAttribute('data-window', 'narrow');
  await page.keyboard.press('Control+b');
  await expect(newChatButton).toBeVisible();
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(app).toHaveAttribute('data-sidebar', 'collapsed');
  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  await expect(app).toHaveAttribute('data-sidebar', 'collapsed');
});

for (const scheme of ['light', 'dark'] as const) {
  for (const size of [
    { width: 1280, height: 800 },
    { width: 800, height: 600 },
  ]) {
    test(`looks right in ${scheme} at ${size.width}×${size.height}: no overflow, labelled controls, visible focus`, async ({
      page,
      cell0,
    }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize(size);
      await openApp(page, cell0.serve.url);
      await connectProvider(page, cell0.fake);
      await page.getByTestId('new-conversation').click();
      cell0.fake.script(
        { tokens: ['A reply with `code` and a long line '.repeat(6)] },
        { tokens: ['Another take.'] },
      );
      await send(page, 'A question that is long enough to wrap over more than one line at the narrow size');
      await expect(lastReply(page)).toHaveAttribute('data-status', 'complete');
      await lastReply(page).hover();
      await lastReply(page).getByTestId('message-regenerate').click();
      await expect(lastReply(page)).toContainText('Another take.');
      await expect(lastReply(page).getByTestId('version-count')).toBeVisible();
      await expectNoOverflow(page);
      await expectLabelled(page);

      // Focus is visible: the focused control draws a ring (box-shadow or outline).
      await page.getByTestId('message-list').focus();
      await page.keyboard.press('Tab');
      const ring = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return 'none';
        const s = getComputedStyle(el);
        return s.boxShadow !== 'none' || (s.outlineStyle !== 'none' && s.outlineWidth !== '0px')
          ? 'visible'
          : 'none';
      });
      expect(ring).toBe('visible');
      await page.screenshot({
        path: test.info().outputPath(`chat-${scheme}-${size.width}x${size.height}.png`),
      });

      await page.getByTestId('conversation-settings-open').click();
      await expect(page.getByTestId('conversation-settings')).toBeVisible();
      await expectNoOverflow(page);
      await page.screenshot({
        path: test.info().outputPath(`conversation-settings-${scheme}-${size.width}.png`),
      });
      await page.keyboard.press('Escape');

      await page.getByTestId('nav-settings').click();
      await expect(page.getByTestId('settings-nav')).toBeVisible();
      await expectNoOverflow(page);
      await page.screenshot({
        path: test.info().outputPath(`settings-${scheme}-${size.width}x${size.height}.png`),
      });
    });
  }
}
