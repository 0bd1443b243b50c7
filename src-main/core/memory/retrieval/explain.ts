import { porterStem } from './stemmer.js';
import { normalise, STOPWORDS, tokenize } from './tokenize.js';

/** Query words, as the owner typed them, whose stems occur in `text`; at most `max`. */
export function matchedWords(queryText: string, text: string, max = 3): string[] {
  const stems = new Set(tokenize(text).map((t) => t.stem));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const typed of queryText.match(/[\p{L}\p{N}'’]+/gu) ?? []) {
    // Normalised the same way as `tokenize`, one typed word at a time to keep its spelling.
    for (const word of normalise(typed).match(/[\p{L}\p{N}]+/gu) ?? []) {
      const stem = porterStem(word);
      if (STOPWORDS.has(word) || seen.has(stem) || !stems.has(stem)) continue;
      seen.add(stem);
      out.push(typed.replace(/['’]s$/, ''));
      if (out.length === max) return out;
    }
  }
  return out;
}

export interface Evidence {
  /** Words the item shares with the query (empty when only the vectors found it). */
  matched: string[];
  /** The item's date, when it fell in (or near) the query's date range. */
  dateMatch: string | null;
  /** A "when" question and the item carries a date of its own. */
  dated: string | null;
  pinned: boolean;
}

/** The top reasons, in words: "about 2023-05-07 · matches “Lisbon”", "similar meaning · pinned". */
export function explain(evidence: Evidence, byMeaning = true): string {
  const reasons: string[] = [];
  if (evidence.dateMatch) reasons.push(`about ${evidence.dateMatch}`);
  if (evidence.matched.length > 0)
    reasons.push(`matches ${evidence.matched.map((w) => `“${w}”`).join(', ')}`);
  // The built-in hashed embedder compares spellings, not meaning: it says so.
  else reasons.push(byMeaning ? 'similar meaning' : 'similar wording');
  if (evidence.dated && !evidence.dateMatch) reasons.push(`dated ${evidence.dated}`);
  const top = reasons.slice(0, 2);
  if (evidence.pinned) top.push('pinned');
  return top.join(' · ');
}
