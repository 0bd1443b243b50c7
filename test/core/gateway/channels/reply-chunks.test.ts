import { beforeAll, describe, expect, it } from 'vitest';
import { loadMarkdown } from '../../../../src-main/core/gateway/channels/markdown.js';
import { platformChunks, replyChunks } from '../../../../src-main/core/gateway/channels/reply-chunks.js';
import { telegramFormat } from '../../../../src-main/core/gateway/channels/telegram/telegram-format.js';

const para = (n: number, len = 300) => `P${n} ${'x'.repeat(len)}`;

beforeAll(() => loadMarkdown());

describe('reply chunks', () => {
  it('cuts at paragraph ends and keeps a code fence whole, even with blank lines inside', () => {
    const fence = '```py\nprint(1)\n\nprint(2)\n```';
    const text = [para(1), para(2), fence, para(3)].join('\n\n');
    const chunks = replyChunks(text, { limit: 700, target: 700, final: true });
    expect(chunks).toEqual([[para(1), para(2), fence].join('\n\n'), para(3)]);
  });

  it('splits a code block longer than the limit into fenced pieces with the language kept', () => {
    const body = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    const chunks = replyChunks(`\`\`\`sh\n${body}\n\`\`\``, { limit: 100, target: 100, final: true });
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(100);
      expect(c.startsWith('```sh\n') && c.endsWith('\n```')).toBe(true);
    }
    expect(chunks.map((c) => c.slice(6, -4)).join('\n')).toBe(body);
  });

  it('the chunks of every streaming prefix are the first chunks of the finished reply', () => {
    const text = [para(1), '```\na\n\nb\n```', para(2, 900), para(3), para(4, 50), para(5)].join('\n\n');
    const opts = { limit: 800, target: 500 };
    const finished = replyChunks(text, { ...opts, final: true });
    for (let i = 0; i <= text.length; i += 7) {
      const partial = replyChunks(text.slice(0, i), { ...opts, final: false });
      expect(finished.slice(0, partial.length)).toEqual(partial);
    }
  });

  it('splits again when the platform form is longer than its limit (escaping)', () => {
    const text = '<'.repeat(3000);
    const chunks = platformChunks(text, { limit: 3600, target: 3600, final: true }, telegramFormat, 4096);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(4096);
    expect(chunks.join('').replace(/&lt;/g, '<')).toBe(text);
  });
});
