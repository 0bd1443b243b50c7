import {
  nodeType,
  sliceBytes,
  type ShDblQuoted,
  type ShLit,
  type ShNode,
  type ShSglQuoted,
  type ShWord,
} from './shell-syntax.js';

/** One shell word as bash will see it before running the command, as far as that is knowable. */
export interface WordInfo {
  /** The word after quote removal when it is literal; its source text otherwise. */
  text: string;
  /** Quotes removed from its literal parts, the source text of the rest: `"$HOME"/x` reads `$HOME/x`. */
  value: string;
  /** Nothing in it is expanded at run time: no `$`, no `~`, no glob, no substitution. */
  literal: boolean;
  /** Unquoted `*`, `?` or `[`: bash may replace the word with matching file names. */
  glob: boolean;
  /** Unquoted leading `~`: the home directory, outside every workspace. */
  tilde: boolean;
  /** Starts with a parameter expansion (`$HOME/x`): where it points is decided at run time. */
  leadingParam: boolean;
  hasParam: boolean;
}

const GLOB_CHARS = new Set(['*', '?', '[']);

/** Outside quotes a backslash keeps the next character literal and disappears. */
function unquoted(raw: string): { text: string; glob: boolean } {
  let text = '';
  let glob = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '\\' && i + 1 < raw.length) {
      text += raw[++i];
      continue;
    }
    if (GLOB_CHARS.has(ch)) glob = true;
    text += ch;
  }
  return { text, glob };
}

/** Inside double quotes a backslash only escapes `$`, a backquote, `"` and itself. */
function doubleQuoted(raw: string): string {
  return raw.replace(/\\([$`"\\])/g, '$1');
}

export function readWord(word: ShWord, source: Buffer): WordInfo {
  const info: WordInfo = {
    text: '',
    value: '',
    literal: true,
    glob: false,
    tilde: false,
    leadingParam: false,
    hasParam: false,
  };
  const sourceOf = (node: ShNode) => sliceBytes(source, node.Pos().Offset(), node.End().Offset());
  word.Parts.forEach((part, index) => {
    const type = nodeType(part);
    if (type === 'Lit') {
      const value = (part as ShLit).Value;
      if (index === 0 && value.startsWith('~')) info.tilde = true;
      const { text, glob } = unquoted(value);
      info.value += text;
      info.glob ||= glob;
    } else if (type === 'SglQuoted') {
      const quoted = part as ShSglQuoted;
      // $'\x72\x6d' spells rm: treated as opaque rather than half-decoded.
      if (quoted.Dollar) info.literal = false;
      info.value += quoted.Dollar ? sourceOf(part) : quoted.Value;
    } else if (type === 'DblQuoted') {
      const quoted = part as ShDblQuoted;
      if (quoted.Dollar) info.literal = false;
      quoted.Parts.forEach((inner, innerIndex) => {
        const innerType = nodeType(inner);
        if (innerType === 'Lit') {
          info.value += doubleQuoted((inner as ShLit).Value);
        } else {
          info.literal = false;
          info.value += sourceOf(inner);
          if (innerType === 'ParamExp') {
            info.hasParam = true;
            if (index === 0 && innerIndex === 0) info.leadingParam = true;
          }
        }
      });
    } else {
      info.literal = false;
      info.value += sourceOf(part);
      if (type === 'ParamExp') {
        info.hasParam = true;
        if (index === 0) info.leadingParam = true;
      }
    }
  });
  if (info.tilde || info.glob) info.literal = false;
  info.text = info.literal ? info.value : sourceOf(word);
  return info;
}
