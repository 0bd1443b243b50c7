import { useEffect, useSyncExternalStore, type ComponentPropsWithoutRef } from 'react';
import Markdown, { type Components, type ExtraProps, type Options } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { CodeBlock } from './CodeBlock.js';

const remarkPlugins: Options['remarkPlugins'] = [remarkGfm];

/**
 * Syntax highlighting (highlight.js and its grammars, the largest part of the page's code) loads
 * the first time a message has a fenced block that names a language; until then such blocks
 * show plain, and they re-render highlighted once it has arrived.
 */
let highlighting: Options['rehypePlugins'] | null = null;
let loading: Promise<void> | null = null;
const waiting = new Set<() => void>();

function loadHighlighting(): void {
  loading ??= import('rehype-highlight').then(
    ({ default: rehypeHighlight }) => {
      // Only fenced blocks that name a language are highlighted: guessing costs time on every streamed frame.
      highlighting = [[rehypeHighlight, { detect: false }]];
      for (const wake of waiting) wake();
    },
    (err: unknown) => console.warn('cell0: syntax highlighting could not load', err),
  );
}

const subscribe = (wake: () => void) => {
  waiting.add(wake);
  return () => waiting.delete(wake);
};
const current = () => highlighting;

const FENCE_WITH_LANGUAGE = /^\s*(```|~~~)\s*[\w+-]/m;

function ExternalLink({ node: _node, children, ...rest }: ComponentPropsWithoutRef<'a'> & ExtraProps) {
  return (
    <a {...rest} target="_blank" rel="noreferrer noopener">
      {children}
    </a>
  );
}

const components: Components = { pre: CodeBlock, a: ExternalLink };

/** Model output as Markdown; raw HTML is dropped (no rehype-raw), so a reply cannot inject markup. */
export function MarkdownRenderer({ text }: { text: string }) {
  const wantsHighlighting = FENCE_WITH_LANGUAGE.test(text);
  const rehypePlugins = useSyncExternalStore(subscribe, current);
  useEffect(() => {
    if (wantsHighlighting) loadHighlighting();
  }, [wantsHighlighting]);
  return (
    <div className="markdown">
      <Markdown
        remarkPlugins={remarkPlugins}
        rehypePlugins={wantsHighlighting ? (rehypePlugins ?? undefined) : undefined}
        components={components}
      >
        {text}
      </Markdown>
    </div>
  );
}
