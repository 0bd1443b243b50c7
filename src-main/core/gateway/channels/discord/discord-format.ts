import { renderMarkdown, type Dialect } from '../markdown.js';

/** Discord's own Markdown: most of CommonMark, headings to ###, no tables. */
export const discordDialect: Dialect = {
  // Literal characters the agent wrote stay literal: Discord's formatting marks are escaped, and a
  // line start that would turn into a heading, quote or list.
  text: (s) => s.replace(/[\\*_~`|[\]]/g, '\\$&').replace(/^(\s*)([#>-]|\d+\.)/gm, '$1\\$2'),
  strong: (s) => `**${s}**`,
  emphasis: (s) => `*${s}*`,
  strike: (s) => `~~${s}~~`,
  inlineCode: (s) => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``),
  link: (inner, url) => (/^https?:/i.test(url) ? `[${inner}](<${url}>)` : `${inner} (${url})`),
  code: (value, lang) =>
    `\`\`\`${lang && /^[\w+#-]{1,32}$/.test(lang) ? lang : ''}\n${value.replace(/```/g, '`\u200b``')}\n\`\`\``,
  quote: (s) =>
    s
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n'),
  heading: (s, depth) => (depth <= 3 ? `${'#'.repeat(depth)} ${s}` : `**${s}**`),
  bullet: (ordered, n) => (ordered ? `${n}. ` : '- '),
  rule: '———',
};

export function discordFormat(markdown: string): string {
  return renderMarkdown(markdown, discordDialect);
}
