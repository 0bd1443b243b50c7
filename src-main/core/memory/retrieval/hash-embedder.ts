import type { Embedder } from '../types.js';
import { hash32 } from './feature-hash.js';
import { tokenize } from './tokenize.js';

/** Relative weights of the feature families: whole words lead, trigrams catch partial overlap. */
const UNIGRAM_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.6;
const TRIGRAMS_PER_WORD_WEIGHT = 0.8;
/** Static stand-in for IDF: common function words still count, but barely. */
const STOPWORD_FACTOR = 0.15;

/**
 * The built-in embedder: deterministic, no download, ~20 µs per sentence. Stemmed words, word
 * pairs and character trigrams are feature-hashed with a sign bit into `dims` buckets. It knows no
 * synonyms, but it does see "photographs" ~ "photography" and "sun rise" ~ "sunrise", which BM25
 * over whole stems does not.
 */
export class HashEmbedder implements Embedder {
  readonly id: string;

  constructor(readonly dims = 384) {
    this.id = `hash-${dims}-v1`;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.embedOne(text));
  }

  /**
   * `termWeight` (by stem) lets a query weigh its own words, e.g. by their rarity in the corpus;
   * stored vectors never use it, so they stay comparable whatever the corpus becomes.
   */
  embedOne(text: string, termWeight?: (stem: string) => number): Float32Array {
    const features = new Map<string, number>();
    const add = (feature: string, weight: number) =>
      features.set(feature, (features.get(feature) ?? 0) + weight);
    const tokens = tokenize(text);
    let previous: { stem: string; weight: number } | null = null;
    for (const token of tokens) {
      const term = termWeight ? termWeight(token.stem) : 1;
      const factor = (token.stop ? STOPWORD_FACTOR : 1) * term;
      add(`w:${token.stem}`, UNIGRAM_WEIGHT * factor);
      if (token.stop) continue;
      // Pairs skip function words: "went to the beach" and "went to beach" share a pair.
      if (previous !== null) {
        add(`b:${previous.stem} ${token.stem}`, BIGRAM_WEIGHT * Math.sqrt(previous.weight * term));
      }
      previous = { stem: token.stem, weight: term };
      const padded = `#${token.word}#`;
      if (padded.length > 4) {
        const count = padded.length - 2;
        const weight = (TRIGRAMS_PER_WORD_WEIGHT / Math.sqrt(count)) * term;
        for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`, weight);
      }
    }

    const vector = new Float32Array(this.dims);
    for (const [feature, weight] of features) {
      // Sublinear term frequency: weights add up per repeat, so log-damp the total.
      const value = Math.log1p(weight);
      const h = hash32(feature);
      const sign = h & 1 ? -1 : 1;
      vector[(h >>> 1) % this.dims]! += sign * value;
    }
    return normaliseInPlace(vector);
  }
}

/** Scales to unit length (a zero vector stays zero: an empty text matches nothing). */
export function normaliseInPlace(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  if (sum === 0) return vector;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i]! *= scale;
  return vector;
}
