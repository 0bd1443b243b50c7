import { test, expect, connectProvider, lastReply, openApp, send, openSettings } from './fixtures.js';

test('Settings switches memory search to the provider’s embedding model and shows the re-index until it is done', async ({
  page,
  cell0,
}) => {
  // The fake lists an embedding model beside its chat models, as OpenAI and Ollama do.
  cell0.fake.models = [...cell0.fake.models, 'fake-embed'];
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);

  await page.getByTestId('nav-memory').click();
  for (const text of ['The owner is allergic to peanuts.', 'The owner plans a trip to Lisbon in May.']) {
    await page.getByTestId('memory-add').click();
    await page.getByTestId('memory-add-text').fill(text);
    await page.getByTestId('memory-add-save').click();
  }
  await expect(page.getByTestId('memory-item')).toHaveCount(2);

  await openSettings(page, 'memory');
  const section = page.getByTestId('settings-section-memory');
  const state = section.getByTestId('memory-embedder-state');
  await expect(state).toHaveAttribute('data-state', 'ready');
  await expect(state).toContainText('Built-in (no download)');

  await section.getByTestId('memory-embedder-source').selectOption({ index: 1 });
  const model = section.getByTestId('memory-embedder-model');
  // The listed embedding model is offered and filled in; the chat models are not.
  await expect(model).toHaveValue('fake-embed');
  await expect(section.getByTestId('memory-embedder-model-help')).toContainText('lists fake-embed.');

  // The check call goes through; the re-index itself is held at the provider so it can be watched.
  const release = cell0.fake.holdEmbeddings(1);
  await section.getByTestId('memory-embedder-save').click();
  await expect(state).toHaveAttribute('data-state', 'reindexing');
  await expect(section.getByTestId('memory-embedder-count')).toHaveText('0 / 2');
  await expect(section.getByTestId('memory-embedder-progress')).toHaveAttribute('max', '2');
  await expect(state).toContainText('Searches use Built-in (no download) until it is done');
  await expect(page.getByTestId('status-memory')).toContainText('re-indexing 0/2');

  release();
  await expect(state).toHaveAttribute('data-state', 'ready');
  await expect(state).toHaveAttribute('data-active', /:fake-embed$/);
  await expect(state).toContainText('fake-embed');
  await expect(section.getByTestId('memory-embedder-progress')).toBeHidden();
  await expect(page.getByTestId('status-memory')).not.toContainText('re-indexing');
  expect(cell0.fake.embeddedTexts).toEqual(
    expect.arrayContaining(['The owner is allergic to peanuts.', 'The owner plans a trip to Lisbon in May.']),
  );

  // A reply's memory search now embeds the question with the provider's model.
  await page.getByTestId('new-conversation').click();
  cell0.fake.script({ tokens: ['Lisbon in May, noted.'] });
  await send(page, 'When is my trip?');
  await expect(lastReply(page)).toContainText('noted');
  expect(cell0.fake.embeddedTexts).toContain('When is my trip?');

  // The choice survives a restart of the core.
  await openApp(page, await cell0.restart());
  await openSettings(page, 'memory');
  await expect(page.getByTestId('memory-embedder-state')).toHaveAttribute('data-active', /:fake-embed$/);
  await expect(page.getByTestId('memory-embedder-model')).toHaveValue('fake-embed');
});
