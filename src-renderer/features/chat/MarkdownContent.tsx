import { memo, useSyncExternalStore } from 'react';
import type { MarkdownRenderer as Renderer } from './MarkdownRenderer.js';

/**
 * The Markdown stack (react-markdown, remark-gfm, micromark) is its own chunk, fetched the moment
 * this module loads, so it arrives while the window connects and asks for the conversation,
 * instead of being parsed before the shell can paint. Until it is there a message keeps its
 * place, marked busy.
 */
let renderer: typeof Renderer | null = null;
const waiting = new Set<() => void>();
void import('./MarkdownRenderer.js').then(
  (m) => {
    renderer = m.MarkdownRenderer;
    for (const wake of waiting) wake();
  },
  (err: unknown) => console.warn('cell0: the Markdown renderer could not load', err),
);

const subscribe = (wake: () => void) => {
  waiting.add(wake);
  return () => waiting.delete(wake);
};
const current = () => renderer;

/** Model output as Markdown; raw HTML is dropped (no rehype-raw), so a reply cannot inject markup. */
export const MarkdownContent = memo(function MarkdownContent({ text }: { text: string }) {
  const Loaded = useSyncExternalStore(subscribe, current);
  if (!Loaded) return <div className="markdown" aria-busy="true" />;
  return <Loaded text={text} />;
});
