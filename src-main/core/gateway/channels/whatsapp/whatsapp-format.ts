import { renderMarkdown, type Dialect } from '../markdown.js';

/** WhatsApp's formatting: *bold*, _italic_, ~strike~, `code`, ``` blocks, > quotes; links as plain URLs. */
export const whatsappDialect: Dialect = {
  text: (s) => s,
  strong: (s) => `*${s}*`,
  emphasis: (s) => `_${s}_`,
  strike: (s) => `~${s}~`,
  inlineCode: (s) => `\`${s}\``,
  link: (inner, url) => (inner === url || inner === url.replace(/^mailto:/, '') ? url : `${inner} (${url})`),
  code: (value) => `\`\`\`${value}\`\`\``,
  quote: (s) =>
    s
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n'),
  heading: (s) => `*${s}*`,
  bullet: (ordered, n) => (ordered ? `${n}. ` : '• '),
  rule: '———',
};

export function whatsappFormat(markdown: string): string {
  return renderMarkdown(markdown, whatsappDialect);
}
