import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FakeOpenAI } from './fixtures/fake-openai.js';
import { ServeProcess } from './fixtures/serve-process.js';
import { tempDir, testKeychainService } from './helpers/core.js';
import { TestWsClient } from './helpers/ws-client.js';
import { StorageService } from '../src-main/core/storage/storage-service.js';
import { ConversationStore } from '../src-main/core/conversations/store.js';

/** A small seeded generator (mulberry32): the same seed, the same kill points. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MAIN = fileURLToPath(new URL('../out/main/', import.meta.url));

/** The built chunks a module loads with it (static imports, followed), not those it imports on use. */
function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(`${MAIN}${file}`, 'utf8');
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    for (const [, spec] of text.matchAll(/(?:from|import)\s*"(\.{1,2}\/[^"]+)"/g)) {
      visit(new URL(spec!, `file:///${dir}`).pathname.slice(1));
    }
  };
  visit(entry);
  return seen;
}

describe('cell0 serve, as built', () => {
  it('loads only what answering needs before it is ready; the background services come after', () => {
    if (!existsSync(`${MAIN}cli.js`)) throw new Error('Build first: npm run build');
    const cli = readFileSync(`${MAIN}cli.js`, 'utf8');
    const serve = /import\(`\.\/(chunks\/serve-[\w-]+\.js)`\)/.exec(cli)?.[1];
    expect(serve).toBeDefined();
    const before = [...staticClosure(serve!)].map((f) =>
      f.replace(/^chunks\//, '').replace(/-[\w-]{8}\.js$/, ''),
    );
    expect(before).toEqual(expect.arrayContaining(['app', 'router', 'ws-gateway', 'storage-service']));
    for (const later of ['background', 'sandbox', 'hybrid-retrieval', 'local-models', 'labs', 'mcp-egress']) {
      expect(before).not.toContain(later);
    }
    const app = [...staticClosure(serve!)].find((f) => f.startsWith('chunks/app-'))!;
    expect(readFileSync(`${MAIN}${app}`, 'utf8')).toMatch(/import\(`\.\/background-[\w-]+\.js`\)/);
  });
});

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
    // The kill points are drawn from a seed, printed so a failure can be run again exactly:
    // CELL0_KILL_SEED=<seed> npx vitest run test/serve.test.ts
    const seed = Number(process.env.CELL0_KILL_SEED) || Math.floor(Math.random() * 2 ** 31) + 1;
    const random = seeded(seed);
    const killPoints = [0, 1, 2].map(() => 5 + Math.floor(random() * 20));
    console.log(`serve crash test: CELL0_KILL_SEED=${seed} (kills after sends ${killPoints.join(', ')})`);
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
        const killAt = killPoints[round]!;
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
      expect(acknowledged.length, `seed ${seed}`).toBeGreaterThan(5);
      for (const text of acknowledged) expect(stored.has(text), `${text} lost (seed ${seed})`).toBe(true);
      // Replies cut off by the kill are kept and say so.
      const store = new ConversationStore(storage.db);
      await store.markInterrupted();
      const streaming = await storage.db.all("SELECT id FROM messages WHERE status = 'streaming'");
      expect(streaming, `seed ${seed}`).toEqual([]);
      await storage.stop();
    } finally {
      await fake.stop();
      await home.remove();
    }
  });
});
