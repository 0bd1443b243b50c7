/**
 * What the owner approves must be what runs: a right-to-left override, a zero-width space or an
 * ANSI escape can make a command read differently from what the shell executes (Trojan Source,
 * CVE-2021-42574). Each such character is replaced by a visible stand-in.
 */

export interface VisibleOptions {
  /** Shell commands: mark each line break, since a newline separates two commands. */
  markNewlines?: boolean;
}

/**
 * Characters with no glyph of their own, or that look like a plain space: C1 controls, format
 * characters (zero-width, bidi, BOM, soft hyphen, tags: \p{Cf}), line and paragraph separators,
 * spaces other than U+0020, variation selectors, the Hangul fillers used as "invisible letters",
 * lone surrogates, private-use and unassigned code points (a font may draw them as nothing).
 */
const INVISIBLE_CLASSES =
  /[\u0080-\u009f\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u115f\u3164\uffa0]/u;
// Combining marks cannot sit in a regex character class without confusing it: ranges by hand.
const INVISIBLE_RANGES: readonly [number, number][] = [
  [0x1160, 0x1160],
  [0xfe00, 0xfe0f],
  [0xe0100, 0xe01ef],
];

function invisible(ch: string, code: number): boolean {
  return INVISIBLE_CLASSES.test(ch) || INVISIBLE_RANGES.some(([from, to]) => code >= from && code <= to);
}

function codePoint(ch: string): string {
  return `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`;
}

function replacement(ch: string, options: VisibleOptions): string {
  const code = ch.codePointAt(0)!;
  if (ch === '\n') return options.markNewlines ? '⏎\n' : ch;
  if (ch === '\t') return ch;
  // ESC starts terminal escape sequences: `\e[31m` reads as one to anyone who has seen them.
  if (code === 0x1b) return '\\e';
  // U+2400…U+241F are the Control Pictures for C0; U+2421 is DEL's.
  if (code < 0x20) return String.fromCodePoint(0x2400 + code);
  if (code === 0x7f) return '␡';
  return invisible(ch, code) ? codePoint(ch) : ch;
}

export function visibleText(s: string, options: VisibleOptions = {}): string {
  let out = '';
  for (const ch of s) out += replacement(ch, options);
  return out;
}
