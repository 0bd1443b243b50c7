/**
 * One line of at most `max` characters for a menu label or a notification: line breaks and runs
 * of spaces collapse (a tray menu shows one line), and a cut is marked with an ellipsis.
 */
export function shorten(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  return `${line.slice(0, Math.max(max - 1, 0)).trimEnd()}…`;
}
