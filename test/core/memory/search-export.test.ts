import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { safeFilename } from '../../../src-main/core/memory/conversation-export.js';
import type { Message } from '../../../src-main/core/protocol/entities.js';
import { coreWithFakeProvider } from '../../helpers/core.js';

const env = coreWithFakeProvider();

async function exchange(conversationId: string, text: string, reply: string): Promise<Message> {
  env.fake.script({ tokens: [reply] });
  const sent = await env.t.call('chat.send', { conversationId, text, clientMessageId: randomUUID() });
  const final = await env.t.waitFor(
    (f) =>
      f.event === 'message.updated' &&
      (f.payload as { message: Message }).message.id === sent.assistantMessage.id,
  );
  return (final.payload as { message: Message }).message;
}

describe('search across conversations', () => {
  it('finds matches in two conversations, best first, with titles and marked snippets', async () => {
    const trip = await env.t.call('conversations.create', { title: 'Trip to Lisbon' });
    const food = await env.t.call('conversations.create', { title: 'Dinner ideas' });
    await exchange(trip.id, 'Which pastries should I try in Lisbon?', 'Pastéis de nata, without a doubt.');
    await exchange(food.id, 'A recipe with pastries for dessert?', 'Try a simple apple pastry.');
    await exchange(food.id, 'Something with rice', 'Risotto works well.');

    const { hits } = await env.t.call('search.messages', { query: 'pastries' });
    // Stemmed: the reply's "pastry" matches "pastries" too; the rice exchange does not match.
    expect(hits).toHaveLength(3);
    expect([...new Set(hits.map((h) => h.conversationTitle))].sort()).toEqual([
      'Dinner ideas',
      'Trip to Lisbon',
    ]);
    expect(
      hits
        .filter((h) => h.role === 'user')
        .map((h) => h.snippet)
        .sort(),
    ).toEqual([
      'A recipe with \u0001pastries\u0002 for dessert?',
      'Which \u0001pastries\u0002 should I try in Lisbon?',
    ]);
    expect(hits.find((h) => h.role === 'assistant')).toMatchObject({
      conversationId: food.id,
      index: 1,
      snippet: 'Try a simple apple \u0001pastry\u0002.',
    });
    const { hits: stemmed } = await env.t.call('search.messages', { query: 'pastry' });
    expect(stemmed.map((h) => h.messageId).sort()).toEqual(hits.map((h) => h.messageId).sort());

    const { hits: both } = await env.t.call('search.messages', { query: 'Lisbon pastries' });
    expect(both.map((h) => h.conversationId)).toEqual([trip.id]);
  });

  it('treats FTS syntax in a query as plain words, never as an error', async () => {
    const conv = await env.t.call('conversations.create', { title: 'Code' });
    await exchange(conv.id, 'How do I use NEAR in SQLite with "quotes" and a * star?', 'Carefully.');
    for (const query of ['"', 'NEAR(', '*', 'quotes"', 'a OR', 'NOT', 'content:star', '(', '^near', '-']) {
      const { hits } = await env.t.call('search.messages', { query });
      expect(Array.isArray(hits)).toBe(true);
    }
    expect((await env.t.call('search.messages', { query: 'NEAR(' })).hits).toHaveLength(1);
    expect((await env.t.call('search.messages', { query: '"quotes' })).hits).toHaveLength(1);
    expect((await env.t.call('search.messages', { query: '*' })).hits).toEqual([]);
  });
});

describe('export', () => {
  it('writes Markdown with the title, each message with role and time, the model, and code blocks intact', async () => {
    const conv = await env.t.call('conversations.create', { title: 'Bash: loops / "tips"' });
    const code = 'Use this:\n\n```bash\nfor f in *.txt; do\n  echo "$f"\ndone\n```\n\nThat is all.';
    await exchange(conv.id, 'How do I loop over files?', code);

    const file = await env.t.call('conversations.export', { id: conv.id, format: 'markdown' });
    expect(file.filename).toBe('Bash-loops-tips.md');
    expect(file.mimeType).toBe('text/markdown');
    expect(file.content.startsWith('# Bash: loops / "tips"\n')).toBe(true);
    expect(file.content).toMatch(/## You · \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\n\nHow do I loop over files\?/);
    expect(file.content).toMatch(/## Cell 0 \(fake-small\) · \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\n\n/);
    expect(file.content).toContain(code);
  });

  it('writes versioned JSON with the conversation and its messages', async () => {
    const conv = await env.t.call('conversations.create', { title: 'Plans' });
    await exchange(conv.id, 'Remind me of the plan', 'The plan is simple.');
    const file = await env.t.call('conversations.export', { id: conv.id, format: 'json' });
    expect(file).toMatchObject({ filename: 'Plans.json', mimeType: 'application/json' });
    const data = JSON.parse(file.content) as {
      format: string;
      version: number;
      conversation: { id: string; title: string };
      messages: Message[];
    };
    expect(data).toMatchObject({
      format: 'cell0.conversation',
      version: 1,
      conversation: { id: conv.id, title: 'Plans' },
    });
    expect(data.messages.map((m) => [m.role, m.content, m.model])).toEqual([
      ['user', 'Remind me of the plan', null],
      ['assistant', 'The plan is simple.', 'fake-small'],
    ]);
  });

  it('names files with safe characters only', () => {
    expect(safeFilename('a/b\\c:d*e?f"g<h>i|j', 'md')).toBe('a-b-c-d-e-f-g-h-i-j.md');
    expect(safeFilename('...', 'json')).toBe('conversation.json');
    expect(safeFilename('CON', 'md')).toBe('conversation-CON.md');
    expect(safeFilename('Viagem à Lisboa', 'md')).toBe('Viagem-à-Lisboa.md');
    expect(safeFilename('x'.repeat(200), 'md')).toHaveLength(83);
  });
});
