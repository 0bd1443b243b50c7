import type { Database } from '../../storage/database.js';
import { indexTerms, type TermIndex } from './term-index.js';

/**
 * What a conversation adds to lexical retrieval beyond the words of one message: who is
 * speaking. Measured on LoCoMo-format sets (npm run bench:memory; figures in the README).
 * Neighbouring turns as a further ranked list were measured too and left out: they moved
 * recall by under 0.01 either way on both sets.
 */

/** A turn by the person the question names, or by the owner when the question says "I"/"my". */
export const SPEAKER_FACTOR = 1.1;

const FIRST_PERSON = /\b(I|I'm|I've|I'd|me|my|mine|myself)\b/;
const SECOND_PERSON = /\b(you|your|yours|yourself)\b/i;

/** The name a message starts with ("Caroline: …"), as group chats and imported logs write turns. */
function speakerOf(content: string): string | null {
  return /^([\p{Lu}][\p{L}'’-]{1,40}):\s/u.exec(content)?.[1] ?? null;
}

/**
 * A small lift for a turn said by the one the question is about: a named speaker the query
 * mentions, the owner (the user's turns) for a question in the first person, the agent for one
 * in the second. Ties between two people's talk of the same thing are common; this breaks them.
 */
export function speakerFactor(query: string, content: string, role: 'user' | 'assistant'): number {
  const speaker = speakerOf(content);
  if (speaker) return new RegExp(`\\b${speaker}\\b`).test(query) ? SPEAKER_FACTOR : 1;
  if (role === 'user' && FIRST_PERSON.test(query)) return SPEAKER_FACTOR;
  if (role === 'assistant' && SECOND_PERSON.test(query) && !FIRST_PERSON.test(query)) return SPEAKER_FACTOR;
  return 1;
}

/** Capitalised words of a query that could be a person's name ("Caroline's" gives Caroline). */
export function namesIn(query: string): string[] {
  return [...query.matchAll(/[\p{Lu}][\p{L}'’-]+/gu)]
    .map((m) => m[0].replace(/['’]s$/, ''))
    .filter(
      (w) =>
        w.length > 1 &&
        !/^(I|I'm|I've|I'd|What|When|Where|Who|Why|How|Which|Did|Does|Do|Is|Are|Was|Were|Would|Could|Should|Has|Have|Had|Can|The|A|An)$/.test(
          w,
        ),
    );
}

/**
 * Which names in a query belong to people whose turns are stored as theirs ("Caroline: …").
 * Their name is in every one of their turns: it says who (speakerFactor weighs that), not what,
 * so the word search looks for the rest of the query.
 */
export class SpeakerNames {
  /** A name found once stays a speaker; one found not to be is asked again once the messages change. */
  private readonly known = new Map<string, { speaker: boolean; corpus: number }>();

  constructor(private readonly db: Database) {}

  async withoutSpeakers(query: string, messages: TermIndex): Promise<string> {
    const names = [...new Set(namesIn(query))];
    if (names.length === 0) return query;
    const speakers = new Set<string>();
    for (const name of names) {
      const term = indexTerms(name)[0];
      // A word no message has cannot be anyone's turn.
      if (!term || messages.documentFrequency(term) === 0) continue;
      if (await this.isSpeaker(name, messages.size)) speakers.add(name);
    }
    if (speakers.size === 0) return query;
    const rest = query.replace(/[\p{Lu}][\p{L}'’-]+/gu, (word) =>
      speakers.has(word.replace(/['’]s$/, '')) ? ' ' : word,
    );
    return rest.trim() === '' ? query : rest;
  }

  private async isSpeaker(name: string, corpus: number): Promise<boolean> {
    const known = this.known.get(name);
    if (known && (known.speaker || known.corpus === corpus)) return known.speaker;
    const row = await this.db.get<{ found: number }>(
      'SELECT 1 AS found FROM messages WHERE content >= ? AND content < ? LIMIT 1',
      [`${name}: `, `${name}:!`],
    );
    const speaker = row !== undefined;
    this.known.set(name, { speaker, corpus });
    return speaker;
  }
}
