import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test, expect, connectProvider, lastReply, openApp, send, openSettings } from './fixtures.js';

const keytar = createRequire(import.meta.url)('keytar') as {
  getPassword(service: string, account: string): Promise<string | null>;
};

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Every way a private key could be written down: its PKCS8 DER, the raw seed, and their text forms. */
function encodings(pkcs8Base64: string): Buffer[] {
  const der = Buffer.from(pkcs8Base64, 'base64');
  const seed = der.subarray(der.length - 32);
  return [der, seed].flatMap((bytes) => [
    bytes,
    Buffer.from(bytes.toString('base64')),
    Buffer.from(bytes.toString('base64url')),
    Buffer.from(bytes.toString('hex')),
  ]);
}

test('the whole flow leaves neither the API key nor any private key in a file of the data directory', async ({
  page,
  cell0,
}) => {
  const apiKey = `sk-e2e-secret-${Date.now()}`;
  cell0.fake.apiKey = apiKey;
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake, apiKey);
  await page.getByTestId('new-conversation').click();
  cell0.fake.script({ tokens: ['All', ' good.'] });
  await send(page, 'Remember nothing secret');
  await expect(lastReply(page)).toContainText('All good.');

  // Identity: shown as 12 groups of 5 digits, short form in the status bar.
  await openSettings(page, 'identity');
  const fingerprint = page.getByTestId('identity-fingerprint');
  await expect(fingerprint).toContainText(/\d{5}/);
  const groups = ((await fingerprint.textContent()) ?? '').match(/\d{5}/g) ?? [];
  expect(groups).toHaveLength(12);
  await expect(page.getByTestId('status-identity')).toContainText(`${groups[0]} ${groups[1]}`);

  // The exported card is signed JSON carrying the same public key.
  const download = page.waitForEvent('download');
  await page.getByTestId('identity-export').click();
  const card = JSON.parse(await readFile(await (await download).path(), 'utf8')) as {
    type: string;
    publicKey: string;
    fingerprint: string;
    signature: string;
  };
  expect(card.type).toBe('cell0.identity-card');
  expect(card.fingerprint.replace(/\s/g, '')).toBe(groups.join(''));
  const firstSecret = await keytar.getPassword(
    cell0.keychainService,
    `identity:${card.publicKey.slice(0, 16)}`,
  );
  expect(firstSecret).not.toBeNull();

  // Rotation: a new fingerprint everywhere; the instance keeps its creation date, the rotation has its own.
  const created = page.getByTestId('identity-created').locator('time');
  const createdAt = await created.getAttribute('datetime');
  await expect(page.getByTestId('identity-rotated')).toHaveText('Never');
  await page.getByTestId('identity-rotate').click();
  await page.getByTestId('identity-rotate-confirm').click();
  await expect(fingerprint).not.toContainText(groups.join(' ').slice(0, 11));
  await expect(page.getByTestId('status-identity')).not.toContainText(`${groups[0]} ${groups[1]}`);
  await expect(page.getByTestId('identity-rotated').locator('time')).toHaveAttribute('datetime', /^\d{4}-/);
  expect(await page.getByTestId('identity-rotated').locator('time').getAttribute('datetime')).not.toBe(
    createdAt,
  );
  await expect(created).toHaveAttribute('datetime', createdAt!);
  const rotatedGroups = ((await fingerprint.textContent()) ?? '').match(/\d{5}/g) ?? [];
  const rotatedDownload = page.waitForEvent('download');
  await page.getByTestId('identity-export').click();
  const rotatedCard = JSON.parse(await readFile(await (await rotatedDownload).path(), 'utf8')) as {
    publicKey: string;
  };
  expect(rotatedCard.publicKey).not.toBe(card.publicKey);
  expect(rotatedGroups).toHaveLength(12);
  const secondSecret = await keytar.getPassword(
    cell0.keychainService,
    `identity:${rotatedCard.publicKey.slice(0, 16)}`,
  );
  expect(secondSecret).not.toBeNull();

  // Stop the server so everything is flushed, then read every byte of the data directory.
  await cell0.serve.stop();
  const needles = [Buffer.from(apiKey), ...encodings(firstSecret!), ...encodings(secondSecret!)];
  const files = await filesUnder(cell0.home);
  expect(files.some((f) => f.endsWith('cell0.sqlite'))).toBe(true);
  for (const file of files) {
    const bytes = await readFile(file);
    for (const needle of needles) expect(bytes.includes(needle), `${file} holds a secret`).toBe(false);
  }
});
