import { describe, expect, it } from 'vitest';
import { markdownToPlainText } from '../../../src-renderer/lib/plain-text.js';

describe('markdownToPlainText (Copy as plain text)', () => {
  it('drops the markers and keeps the words, links and code', () => {
    const md = [
      '# Title',
      '',
      'Some **bold**, _italic_, ~~gone~~ and `code` with a [link](https://x.test).',
      '',
      '- one',
      '- [x] done',
      '> quoted',
      '',
      '```js',
      'const a = 2 * 3; // **not bold**',
      '```',
    ].join('\n');
    expect(markdownToPlainText(md)).toBe(
      [
        'Title',
        '',
        'Some bold, italic, gone and code with a link.',
        '',
        '• one',
        'done',
        'quoted',
        '',
        'const a = 2 * 3; // **not bold**',
      ].join('\n'),
    );
  });

  it('leaves arithmetic and snake_case alone', () => {
    expect(markdownToPlainText('2 * 3 * 4 and my_var_name')).toBe('2 * 3 * 4 and my_var_name');
  });
});
