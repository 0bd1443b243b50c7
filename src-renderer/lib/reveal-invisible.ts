/**
 * Untrusted text with its invisible parts shown: zero-width characters, bidirectional overrides
 * (which can make text read differently from what it is) and control characters become ⟨U+XXXX⟩.
 * Newlines and tabs stay as they are.
 */
const INVISIBLE =
  // Control characters are exactly what this pattern is for.
  // eslint-disable-next-line no-control-regex
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

export function revealInvisible(text: string): string {
  return text.replace(
    INVISIBLE,
    (ch) => `⟨U+${ch.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}⟩`,
  );
}
