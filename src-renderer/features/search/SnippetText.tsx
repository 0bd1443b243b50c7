import { snippetSegments } from '../../lib/snippet.js';

/** The matches as <mark>; every part is a text node, so message content never becomes markup. */
export function SnippetText({ snippet }: { snippet: string }) {
  return (
    <>
      {snippetSegments(snippet).map((s, i) =>
        s.mark ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>,
      )}
    </>
  );
}
