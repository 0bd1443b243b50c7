import { STOPWORDS, words } from './tokenize.js';

/** Long pasted queries would make every row a match; the first words carry the question. */
const MAX_TERMS = 24;

/** The words a search looks for, each one FTS5 phrase: content words first, at most MAX_TERMS. */
export function queryWords(text: string): string[] {
  const all = words(text);
  const content = all.filter((w) => !STOPWORDS.has(w));
  return [...new Set(content.length > 0 ? content : all)].slice(0, MAX_TERMS);
}

/**
 * An FTS5 MATCH expression for free user text: every word becomes a quoted string, OR-ed. The
 * user's quotes, parentheses, `*`, `^`, `:`, `-` and the keywords AND/OR/NOT/NEAR therefore never
 * reach FTS5 as syntax (a stray `"` or `NEAR(` would otherwise be a query error or a different
 * query). Function words are dropped unless nothing else is left. Returns null when the text has
 * no words at all.
 */
export function ftsQuery(text: string): string | null {
  const chosen = queryWords(text);
  if (chosen.length === 0) return null;
  // `words` yields only letters and digits, so a quote cannot occur; doubling is belt and braces.
  return chosen.map((w) => `"${w.replace(/"/g, '""')}"`).join(' OR ');
}
