import { createRequire } from 'node:module';
import type * as Diff from 'diff';
import type { PermissionPreview, PreviewLine } from '../../protocol/kernel-entities.js';
import { visibleText } from './visible.js';

let diff: typeof Diff | null = null;
/** diff loads at the first edit shown on a card, not with the core (its CommonJS build, so synchronously). */
function diffLines(oldText: string, newText: string): Diff.Change[] {
  diff ??= createRequire(import.meta.url)('diff') as typeof Diff;
  return diff.diffLines(oldText, newText);
}

function countLines(text: string): number {
  if (text === '') return 0;
  const breaks = text.split('\n').length - 1;
  return text.endsWith('\n') ? breaks : breaks + 1;
}

/** The lines of one diff piece; a final line break ends the last line rather than starting another. */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** What write_file will put in the file: its size, its line count and the whole text, made visible. */
export function writePreview(content: string): PermissionPreview {
  return {
    kind: 'write',
    bytes: Buffer.byteLength(content, 'utf8'),
    lines: countLines(content),
    text: visibleText(content),
  };
}

/** What edit_file will change: the old text to the new, line by line (jsdiff's line diff). */
export function editPreview(oldText: string, newText: string): PermissionPreview {
  const lines: PreviewLine[] = [];
  let removed = 0;
  let added = 0;
  for (const change of diffLines(oldText, newText)) {
    const op = change.added ? 'add' : change.removed ? 'remove' : 'keep';
    for (const line of splitLines(change.value)) {
      lines.push({ op, text: visibleText(line) });
      if (op === 'add') added += 1;
      if (op === 'remove') removed += 1;
    }
  }
  return { kind: 'edit', removed, added, lines };
}

/** The preview of a file tool's call, or null when the call writes nothing (or has the wrong shape). */
export function previewFor(tool: string, args: Record<string, unknown>): PermissionPreview | null {
  if (tool === 'write_file' && typeof args.content === 'string') return writePreview(args.content);
  if (tool === 'edit_file' && typeof args.oldText === 'string' && typeof args.newText === 'string') {
    return editPreview(args.oldText, args.newText);
  }
  return null;
}
