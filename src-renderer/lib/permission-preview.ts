import type { PreviewLine } from '../../src-main/core/protocol/index.js';

/** How much of a write or an edit a card shows before "Show all". */
export const PREVIEW_HEAD_LINES = 12;
export const PREVIEW_HEAD_CHARS = 2000;

/** "812 bytes", "1.2 KB", "3.4 MB": the size of what a file tool will write. */
export function formatBytes(bytes: number): string {
  if (bytes === 1) return '1 byte';
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The first lines of an edit's change, within the same line and character bounds as a write's head. */
export function headOfLines(
  lines: readonly PreviewLine[],
  maxLines = PREVIEW_HEAD_LINES,
  maxChars = PREVIEW_HEAD_CHARS,
): { shown: PreviewLine[]; clipped: boolean } {
  const shown: PreviewLine[] = [];
  let chars = 0;
  for (const line of lines) {
    if (shown.length >= maxLines) break;
    if (chars + line.text.length > maxChars) {
      shown.push({ ...line, text: line.text.slice(0, Math.max(0, maxChars - chars)) });
      return { shown, clipped: true };
    }
    shown.push(line);
    chars += line.text.length + 1;
  }
  return { shown, clipped: shown.length < lines.length };
}
