import { describe, expect, it } from 'vitest';
import { FakeOpenAI } from './fixtures/fake-openai.js';
import { ServeProcess } from './fixtures/serve-process.js';
import { tempDir, testKeychainService } from './helpers/core.js';
import { TestWsClient } from './helpers/ws-client.js';
import { StorageService } from '../src-main/core/storage/storage-service.js';
import { ConversationStore } from '../src-main/core/conversations/store.js';

describe('cell0 serve', () => {
  it('prints its URL with a token and stops cleanly on Ctrl-C', async () => {
    const home = await tempDir();
    const serve = new ServeProcess(home.path, { CELL0_KEYCHAIN_SERVICE: testKeychainService() });
    try {
      const url = await serve.start();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{32}$/);
      expect(serve.output).toContain(`Data: ${home.path}`);
      const res = await fetch(url.replace(/#.*/, ''));
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<div id="root">');
      expect(await serve.stop()).toBe(0);
      expect(serve.output).toContain('stopping');
    } finally {
      await serve.kill();
      await home.remove();
    }
  });

  it('loses no acknowledged message when killed at any moment', async () => {
    const home = await tempDir();
    const fake = new FakeOpenAI();
    await fake.start();
    fake.fallback = { tokens: ['ok'] };
    const keychain = testKeychainService();
    const acknowledged: string[] = [];
    try {
      for (let round = 0; round < 3; round++) {
        const serve = new ServeProcess(home.path, { CELL0_KEYCHAIN_SERVICE: keychain });
        await serve.start();
        const client = await TestWsClient.connect(`ws://127.0.0.1:${serve.port}/ws`);
        await client.call('session.hello', { token: serve.token });
        if (round === 0) {
          await client.call('providers.save', {
            kind: 'openai-compatible',
            baseUrl: fake.baseUrl,
            defaultModel: 'fake-small',
          });
        }
        // Fire sends back to back (each to its own conversation, so none waits for a reply) and pull
        // the plug at a random moment in the middle of them.
        let sent = 0;
        const killAt = 5 + Math.floor(Math.random() * 20);
        const sending = (async () => {
          for (;;) {
            const text = `r${round}-m${sent}`;
            const conv = await client.call('conversations.create', { title: text }).catch(() => null);
            if (!conv?.ok) return;
            const conversationId = (conv as { result: { id: string } }).result.id;
            const res = await client
              .call('chat.send', { conversationId, text, clientMessageId: text })
              .catch(() => null);
            if (!res?.ok) return;
            acknowledged.push(text);
            sent++;
            if (sent === killAt) void serve.kill();
          }
        })();
        await sending;
        await serve.kill();
        client.close();
      }
      const storage = new StorageService(home.path);
      await storage.start();
      const rows = await storage.db.all<{ content: string }>(
        "SELECT content FROM messages WHERE role = 'user'",
      );
      const stored = new Set(rows.map((r) => r.content));
      expect(acknowledged.length).toBeGreaterThan(5);
      for (const text of acknowledged) expect(stored.has(text)).toBe(true);
      // Replies cut off by the kill are kept and say so.
      const store = new ConversationStore(storage.db);
      await store.markInterrupted();
      const streaming = await storage.db.all("SELECT id FROM messages WHERE status = 'streaming'");
      expect(streaming).toEqual([]);
      await storage.stop();
    } finally {
      await fake.stop();
      await home.remove();
    }
  });
});
