import { useEffect, type ComponentPropsWithoutRef } from 'react';
import Markdown, { type Components, type ExtraProps, type Options } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { lazyPart } from '../../lib/lazy-part.js';
import { CodeBlock } from './CodeBlock.js';

const remarkPlugins: Options['remarkPlugins'] = [remarkGfm];

/**
 * Syntax highlighting (highlight.js and its grammars, the largest part of the page's code) loads
 * the first time a message has a fenced block that names a language; until then such blocks
 * show plain, and they re-render highlighted once it has arrived.
 */
const highlighting = lazyPart<Options['rehypePlugins']>('syntax highlighting', () =>
  import('rehype-highlight').then(({ default: rehypeHighlight }) => [
    // Only fenced blocks that name a language are highlighted: guessing costs time on every streamed frame.
    [rehypeHighlight, { detect: false }],
  ]),
);

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
  const rehypePlugins = highlighting.useLoaded();
  useEffect(() => {
    if (wantsHighlighting) void highlighting.load();
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
