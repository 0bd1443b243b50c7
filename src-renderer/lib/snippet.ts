/** A piece of a search snippet: plain text, or a part the core marked as matching. */
export interface SnippetSegment {
  text: string;
  mark: boolean;
}

const OPEN = '\u0001';
const CLOSE = '\u0002';

/**
 * Splits a snippet whose matches the core wrapped in \u0001 … \u0002. The text is returned as data
 * (React escapes it), so a message that contains markup can never become markup. Stray or unpaired
 * markers are dropped rather than shown, and an unclosed match runs to the end.
 */
export function snippetSegments(snippet: string): SnippetSegment[] {
  const segments: SnippetSegment[] = [];
  let mark = false;
  let text = '';
  const flush = (): void => {
    if (text === '') return;
    const last = segments[segments.length - 1];
    if (last && last.mark === mark) last.text += text;
    else segments.push({ text, mark });
    text = '';
  };
  for (const ch of snippet) {
    if (ch === OPEN || ch === CLOSE) {
      flush();
      mark = ch === OPEN;
    } else {
      text += ch;
    }
  }
  flush();
  return segments;
}

/** The snippet as plain text, for labels read by screen readers. */
export function snippetText(snippet: string): string {
  return snippet.replaceAll(OPEN, '').replaceAll(CLOSE, '');
}
