/**
 * FTS5 MATCH expressions built from people's text. Raw text is never passed to MATCH: quotes,
 * `NEAR(`, `*`, `AND`/`OR`/`NOT` and column filters are FTS5 syntax, so a search for `"` or
 * `c++` would be an error (or a different query). Each word becomes a quoted string instead.
 */

/** Words as FTS5's unicode61 tokenizer sees them (letters and digits), lower-cased, deduplicated. */
export function ftsWords(text: string, max = 24): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, max);
}

function quoted(word: string): string {
  // The words hold no quote, but doubling keeps this safe if the tokenising above ever changes.
  return `"${word.replace(/"/g, '""')}"`;
}

/**
 * Every word must match (AND); the last one also as a prefix, so a search box finds "Lisb…".
 * Null when the text holds no word at all (only punctuation): there is nothing to search for.
 */
export function allWordsQuery(text: string, options: { prefixLast?: boolean } = {}): string | null {
  const words = ftsWords(text);
  if (words.length === 0) return null;
  return words
    .map((w, i) => (options.prefixLast && i === words.length - 1 ? `${quoted(w)}*` : quoted(w)))
    .join(' ');
}

/** Any word may match (OR): for finding candidates, ranked by bm25 afterwards. */
export function anyWordQuery(text: string): string | null {
  const words = ftsWords(text);
  return words.length === 0 ? null : words.map(quoted).join(' OR ');
}
