import { porterStem } from './stemmer.js';

/**
 * Words that carry little meaning on their own: they get a small weight in the embedder and are
 * left out of the FTS query (BM25's IDF would mostly ignore them anyway, but they cost time).
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again all am an and any are as at be because been before being below between both ' +
    'but by can could did do does doing down during each few for from further had has have having he her here ' +
    'hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now ' +
    'of off on once only or other our ours ourselves out over own same she should so some such than that the ' +
    'their theirs them themselves then there these they this those through to too under until up very was we ' +
    'were what when where which while who whom why will with would you your yours yourself yourselves ' +
    'also yeah yes oh ok okay really got get gets getting go going went let lets im ive dont thats its'
  ).split(' '),
);

export interface Token {
  /** Lowercased, accents removed: what FTS5's unicode61 tokenizer would see. */
  word: string;
  /** Porter stem of `word` (non-ASCII words are kept whole). */
  stem: string;
  stop: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Lowercase, compatibility-folded, accents stripped: "Zürich" and "zurich" meet. */
export function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’]s\b/g, '')
    .replace(/['’]/g, '');
}

/** The text's words in order; apostrophes are dropped ("don't" -> "dont") and possessives cut. */
export function words(text: string): string[] {
  return normalise(text).match(WORD) ?? [];
}

export function tokenize(text: string): Token[] {
  return words(text).map((word) => ({ word, stem: porterStem(word), stop: STOPWORDS.has(word) }));
}
