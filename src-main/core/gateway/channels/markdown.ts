import type { Nodes, Parents, PhrasingContent, RootContent, Table } from 'mdast';
import type * as MarkdownParser from './markdown-parser.js';

/**
 * What a platform renders, as a set of wrappers. The agent writes CommonMark with GFM; each
 * platform renders its own subset (Telegram's HTML, Discord's Markdown, WhatsApp's *bold*), so
 * the reply is parsed once (mdast) and written out in the platform's dialect.
 */
export interface Dialect {
  text(value: string): string;
  strong(inner: string): string;
  emphasis(inner: string): string;
  strike(inner: string): string;
  inlineCode(value: string): string;
  link(inner: string, url: string): string;
  code(value: string, lang: string | null): string;
  quote(inner: string): string;
  heading(inner: string, depth: number): string;
  /** A bullet or number before a list item's first line. */
  bullet(ordered: boolean, n: number): string;
  rule: string;
}

let parser: typeof MarkdownParser | null = null;
let loading: Promise<void> | null = null;

/**
 * Loads the Markdown parser (micromark with GFM, ~150 modules and several MB of heap). A channel
 * that only waits for messages never needs it: it is loaded when a first text is to be written
 * out, and every caller of renderMarkdown awaits this first (at once when it is loaded).
 */
export function loadMarkdown(): Promise<void> {
  return (loading ??= import('./markdown-parser.js').then(
    (loaded) => {
      parser = loaded;
    },
    (err: unknown) => {
      loading = null;
      throw err;
    },
  ));
}

export function markdownLoaded(): boolean {
  return parser !== null;
}

export function parseMarkdown(markdown: string) {
  if (!parser) throw new Error('The Markdown parser is not loaded yet: await loadMarkdown() first.');
  return parser.parseMarkdown(markdown);
}

function phrasing(nodes: PhrasingContent[], d: Dialect): string {
  return nodes.map((n) => inline(n, d)).join('');
}

function inline(node: PhrasingContent, d: Dialect): string {
  switch (node.type) {
    case 'text':
      return d.text(node.value);
    case 'strong':
      return d.strong(phrasing(node.children, d));
    case 'emphasis':
      return d.emphasis(phrasing(node.children, d));
    case 'delete':
      return d.strike(phrasing(node.children, d));
    case 'inlineCode':
      return d.inlineCode(node.value);
    case 'break':
      return '\n';
    case 'link':
      return d.link(phrasing(node.children, d), node.url);
    case 'image':
      return d.link(d.text(node.alt || node.url), node.url);
    case 'html':
      return d.text(node.value);
    case 'footnoteReference':
      return d.text(`[${node.label ?? node.identifier}]`);
    default:
      return 'children' in node ? phrasing((node as Parents).children as PhrasingContent[], d) : '';
  }
}

/** A table as aligned plain text in a code block: no platform here renders Markdown tables. */
function tableText(node: Table): string {
  const rows = node.children.map((row) => row.children.map((cell) => plain(cell).trim()));
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length))) ?? [];
  const line = (r: string[]) =>
    r.map((c, i) => c + ' '.repeat(Math.max((widths[i] ?? 0) - [...c].length, 0))).join(' | ');
  const [head, ...body] = rows;
  if (!head) return '';
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}

/** The text of a node without any formatting. */
export function plain(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(plain).join('');
  return '';
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 || line === '' ? line : by + line))
    .join('\n');
}

function block(node: RootContent, d: Dialect): string {
  switch (node.type) {
    case 'paragraph':
      return phrasing(node.children, d);
    case 'heading':
      return d.heading(phrasing(node.children, d), node.depth);
    case 'code':
      return d.code(node.value, node.lang ?? null);
    case 'blockquote':
      return d.quote(blocks(node.children, d));
    case 'thematicBreak':
      return d.rule;
    case 'list': {
      const start = node.start ?? 1;
      return node.children
        .map((item, i) => {
          const mark = d.bullet(node.ordered === true, start + i);
          const check = item.checked === true ? '☑ ' : item.checked === false ? '☐ ' : '';
          const body = item.children.map((c) => block(c, d)).join(node.spread ? '\n\n' : '\n');
          return mark + check + indent(body, ' '.repeat([...mark].length));
        })
        .join(node.spread ? '\n\n' : '\n');
    }
    case 'table':
      return d.code(tableText(node), null);
    case 'html':
      return d.text(node.value);
    case 'definition':
      return '';
    case 'footnoteDefinition':
      return `${d.text(`[${node.label ?? node.identifier}]`)} ${blocks(node.children, d)}`;
    default:
      return 'children' in node ? phrasing((node as Parents).children as PhrasingContent[], d) : '';
  }
}

function blocks(nodes: RootContent[], d: Dialect): string {
  return nodes
    .map((n) => block(n, d))
    .filter((s) => s !== '')
    .join('\n\n');
}

/** Markdown as the agent wrote it, in a platform's dialect. */
export function renderMarkdown(markdown: string, dialect: Dialect): string {
  return blocks(parseMarkdown(markdown).children, dialect).trim();
}
