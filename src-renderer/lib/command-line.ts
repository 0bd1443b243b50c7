/**
 * A command line typed in Settings, split into words as a shell would for the simple cases people
 * type (`npx -y @pkg/server "My Folder"`): quotes group, a backslash escapes, nothing expands.
 * It never reaches a shell: the words are handed to the server's launch as they are.
 */
export function splitCommandLine(line: string): { words: string[] } | { error: string } {
  const words: string[] = [];
  let word = '';
  let started = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      word += line[++i];
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) words.push(word);
      word = '';
      started = false;
    } else {
      word += ch;
      started = true;
    }
  }
  if (quote) return { error: `a ${quote === '"' ? 'double' : 'single'} quote is not closed` };
  if (started) words.push(word);
  return { words };
}

/** `KEY=value` lines (blank lines skipped) as a record, or the first line that is not one. */
export function parseAssignments(text: string): { values: Record<string, string> } | { error: string } {
  const values: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.indexOf('=');
    if (at <= 0) return { error: `“${line}” is not NAME=value` };
    values[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return { values };
}

/** One path per line, `:rw` at the end for read-write (read-only otherwise). */
export function parsePaths(text: string): { path: string; write: boolean }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const match = /^(.*):(rw|ro)$/.exec(line);
      return { path: match ? match[1]! : line, write: match?.[2] === 'rw' };
    });
}

/** `Name: value` lines (blank lines skipped), as HTTP headers are written. */
export function parseHeaders(text: string): { values: Record<string, string> } | { error: string } {
  const values: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.indexOf(':');
    if (at <= 0) return { error: `“${line}” is not Name: value` };
    values[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return { values };
}
