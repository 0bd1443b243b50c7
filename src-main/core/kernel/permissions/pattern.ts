/**
 * Rule patterns are globs over a call's display string: `*` stands for any run of characters
 * (none included) and every other character stands for itself, so no pattern can smuggle in a
 * regular expression. A pattern matches the whole text, not a part of it. Hand-written because
 * picomatch and its kin also give `?`, `[…]`, `{a,b}` and `**` meaning: a pattern the owner approves
 * must mean only what it shows.
 *
 * A trailing ` *` or `/*` also covers the bare prefix: `git status *` covers `git status` as well
 * as `git status --short` (but not `git statusx`), and `/ws/src/*` covers the folder `/ws/src`.
 */
export function matchesPattern(pattern: string, text: string): boolean {
  if (globMatch(pattern, text)) return true;
  return (pattern.endsWith(' *') || pattern.endsWith('/*')) && pattern.slice(0, -2) === text;
}

// Split on `*` and place the pieces in order; greedy placement from the left is exact for globs
// that have only `*`, because each piece may as well take its earliest occurrence.
function globMatch(pattern: string, text: string): boolean {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return pattern === text;
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (text.length < first.length + last.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = text.indexOf(piece, at);
    if (found === -1 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}
