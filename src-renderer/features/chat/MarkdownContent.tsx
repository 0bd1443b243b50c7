import { memo } from 'react';
import { lazyPart } from '../../lib/lazy-part.js';

/**
 * The Markdown stack (react-markdown, remark-gfm, micromark) is its own chunk, fetched the moment
 * this module loads, so it arrives while the window connects and asks for the conversation,
 * instead of being parsed before the shell can paint. Until it is there a message keeps its
 * place, marked busy.
 */
const renderer = lazyPart('the Markdown renderer', () =>
  import('./MarkdownRenderer.js').then((m) => m.MarkdownRenderer),
);
void renderer.load();

/** Model output as Markdown; raw HTML is dropped (no rehype-raw), so a reply cannot inject markup. */
export const MarkdownContent = memo(function MarkdownContent({ text }: { text: string }) {
  const Loaded = renderer.useLoaded();
  if (!Loaded) return <div className="markdown" aria-busy="true" />;
  return <Loaded text={text} />;
});
