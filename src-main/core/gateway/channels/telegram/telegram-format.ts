import { renderMarkdown, type Dialect } from '../markdown.js';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const attr = (s: string) => escape(s).replace(/"/g, '&quot;');
/** Telegram refuses a link to anything but these; others are written out as text. */
const LINKABLE = /^(https?|tg|mailto):/i;

/** Telegram's HTML parse mode: the subset of tags the Bot API accepts, everything else escaped. */
export const telegramDialect: Dialect = {
  text: escape,
  strong: (s) => `<b>${s}</b>`,
  emphasis: (s) => `<i>${s}</i>`,
  strike: (s) => `<s>${s}</s>`,
  inlineCode: (s) => `<code>${escape(s)}</code>`,
  link: (inner, url) =>
    LINKABLE.test(url) ? `<a href="${attr(url)}">${inner}</a>` : `${inner} (${escape(url)})`,
  code: (value, lang) =>
    lang && /^[\w+#-]{1,32}$/.test(lang)
      ? `<pre><code class="language-${lang}">${escape(value)}</code></pre>`
      : `<pre>${escape(value)}</pre>`,
  quote: (s) => `<blockquote>${s}</blockquote>`,
  heading: (s) => `<b>${s}</b>`,
  bullet: (ordered, n) => (ordered ? `${n}. ` : '• '),
  rule: '———',
};

export function telegramFormat(markdown: string): string {
  return renderMarkdown(markdown, telegramDialect);
}
