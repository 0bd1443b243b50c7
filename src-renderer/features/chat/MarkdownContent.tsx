import { memo, type ComponentPropsWithoutRef } from 'react';
import Markdown, { type Components, type ExtraProps, type Options } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import remarkGfm from 'remark-gfm';
import { CodeBlock } from './CodeBlock.js';

const remarkPlugins: Options['remarkPlugins'] = [remarkGfm];
// Only fenced blocks that name a language are highlighted: guessing costs time on every streamed frame.
const rehypePlugins: Options['rehypePlugins'] = [[rehypeHighlight, { detect: false }]];

function ExternalLink({ node: _node, children, ...rest }: ComponentPropsWithoutRef<'a'> & ExtraProps) {
  return (
    <a {...rest} target="_blank" rel="noreferrer noopener">
      {children}
    </a>
  );
}

const components: Components = { pre: CodeBlock, a: ExternalLink };

/** Model output as Markdown; raw HTML is dropped (no rehype-raw), so a reply cannot inject markup. */
export const MarkdownContent = memo(function MarkdownContent({ text }: { text: string }) {
  return (
    <div className="markdown">
      <Markdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
        {text}
      </Markdown>
    </div>
  );
});
