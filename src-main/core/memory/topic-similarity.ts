import { HashEmbedder } from './retrieval/hash-embedder.js';

/**
 * Cosine similarity of texts to a topic, for "forget everything about X". Retrieval's scores are
 * rank fusions, which say "better than the others", not "about the same thing"; deleting needs the
 * latter. The built-in embedder is local and takes microseconds, so it is used whichever embedder
 * retrieval runs on, and the threshold means the same on every machine.
 */
export class TopicSimilarity {
  private readonly embedder = new HashEmbedder();

  similarities(topic: string, texts: string[]): number[] {
    const t = this.embedder.embedOne(topic);
    return texts.map((text) => {
      const v = this.embedder.embedOne(text);
      let dot = 0;
      for (let i = 0; i < t.length; i++) dot += t[i]! * v[i]!;
      return dot;
    });
  }
}

/** Measured on the built-in embedder: "my sister Ana" ~ "Ana is the owner's sister" is 0.55, unrelated pairs stay under 0.2. */
export const FORGET_MIN_SIMILARITY = 0.35;
