import { createRequire } from 'node:module';

/**
 * A typed window onto mvdan-sh (mvdan/sh compiled to JS with GopherJS): a real Bash parser, so the
 * permission card reads a command the way bash will, not the way a regular expression guesses.
 * Only the node fields the analysis reads are typed; the rest of the Go AST stays opaque.
 */

interface ShPos {
  Offset(): number;
}

export interface ShNode {
  Pos(): ShPos;
  End(): ShPos;
}

export interface ShFile extends ShNode {
  Stmts: ShStmt[];
}

export interface ShStmt extends ShNode {
  Cmd: ShNode | null;
  Redirs: ShRedirect[];
  Background: boolean;
  Negated: boolean;
}

export interface ShCallExpr extends ShNode {
  Assigns: ShAssign[];
  Args: ShWord[];
}

export interface ShAssign extends ShNode {
  Value: ShWord | null;
}

export interface ShWord extends ShNode {
  Parts: ShNode[];
}

export interface ShLit extends ShNode {
  Value: string;
}

export interface ShSglQuoted extends ShNode {
  Value: string;
  /** `$'…'`: ANSI-C quoting, whose escapes bash decodes. */
  Dollar: boolean;
}

export interface ShDblQuoted extends ShNode {
  Parts: ShNode[];
  /** `$"…"`: locale translation. */
  Dollar: boolean;
}

export interface ShCmdSubst extends ShNode {
  Backquotes: boolean;
}

export interface ShRedirect extends ShNode {
  Op: number;
  Word: ShWord | null;
}

export interface ShBinaryCmd extends ShNode {
  Op: number;
}

interface GoError {
  Error(): string;
}

interface MvdanSh {
  syntax: {
    NewParser(): { Parse(src: string, name: string): ShFile };
    Walk(node: ShNode, visit: (node: ShNode | null) => boolean): void;
    NodeType(node: ShNode): string;
  };
}

let loaded: MvdanSh | null = null;

// Loaded on first use: the GopherJS bundle is 1.7 MB and most runs of the app never parse a command.
function sh(): MvdanSh {
  if (!loaded) loaded = createRequire(import.meta.url)('mvdan-sh') as MvdanSh;
  return loaded;
}

export class ShellParseError extends Error {}

export function parseShell(source: string): ShFile {
  try {
    return sh().syntax.NewParser().Parse(source, 'command');
  } catch (err) {
    const goError = err as Partial<GoError> | null;
    const message =
      goError && typeof goError.Error === 'function'
        ? goError.Error()
        : err instanceof Error
          ? err.message
          : '';
    throw new ShellParseError(message.replace(/^command:/, '') || 'the command could not be parsed');
  }
}

export function nodeType(node: ShNode): string {
  return sh().syntax.NodeType(node);
}

/** Visits every node below `root` (depth first, `root` included). */
export function walk(root: ShNode, visit: (node: ShNode, type: string) => void): void {
  const syntax = sh().syntax;
  syntax.Walk(root, (node) => {
    if (node) visit(node, syntax.NodeType(node));
    return true;
  });
}

/**
 * Operator codes are Go token constants, not strings; reading them off parsed samples keeps the
 * analysis right even if a new mvdan-sh renumbers its tokens.
 */
function opOf(sample: string, type: 'BinaryCmd' | 'Redirect'): number {
  let op = -1;
  walk(parseShell(sample), (node, t) => {
    if (t === type) op = (node as ShBinaryCmd | ShRedirect).Op;
  });
  return op;
}

export interface ShellOps {
  and: number;
  or: number;
  pipe: number;
  pipeAll: number;
  dupIn: number;
  dupOut: number;
  heredoc: number;
  heredocTabs: number;
  herestring: number;
}

let ops: ShellOps | null = null;

export function shellOps(): ShellOps {
  ops ??= {
    and: opOf('a && b', 'BinaryCmd'),
    or: opOf('a || b', 'BinaryCmd'),
    pipe: opOf('a | b', 'BinaryCmd'),
    pipeAll: opOf('a |& b', 'BinaryCmd'),
    dupIn: opOf('a <&0', 'Redirect'),
    dupOut: opOf('a >&2', 'Redirect'),
    heredoc: opOf('a <<E\nE\n', 'Redirect'),
    heredocTabs: opOf('a <<-E\nE\n', 'Redirect'),
    herestring: opOf('a <<< x', 'Redirect'),
  };
  return ops;
}

/** mvdan-sh counts UTF-8 bytes; JS strings count UTF-16 units. */
export function sliceBytes(source: Buffer, start: number, end: number): string {
  return source.subarray(start, end).toString('utf8');
}
