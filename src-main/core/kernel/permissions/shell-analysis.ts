import { posix } from 'node:path';
import { RISK, type Risk } from './risks.js';
import { inspectCommand, type CommandReport } from './shell-commands.js';
import {
  parseShell,
  shellOps,
  sliceBytes,
  walk,
  ShellParseError,
  type ShBinaryCmd,
  type ShCallExpr,
  type ShNode,
  type ShRedirect,
  type ShStmt,
} from './shell-syntax.js';
import { pointsAtSecrets } from './sensitive-paths.js';
import { readWord } from './shell-words.js';
import { isInsideWorkspace } from './workspace-path.js';

export interface ShellAnalysis {
  /** The argv of each simple command, in source order (nested ones included): literal where possible. */
  commands: string[][];
  /** Phrases for the permission card, each once, most structural first. */
  risks: string[];
  /** Something no standing rule or earlier grant may wave through: the owner looks every time. */
  alwaysAsk: boolean;
  parseError: string | null;
  /**
   * The source up to the end of the first command's second word (or first, when the second is not
   * literal): what a proposed rule pattern starts with. Null when the first word is not literal.
   */
  prefix: string | null;
}

interface Findings {
  prefix: string | null | undefined;
  commands: string[][];
  risks: Set<string>;
  alwaysAsk: boolean;
  parseError: string | null;
}

/** Sinks and sources that touch nothing of the owner's. */
const HARMLESS_DEVICES = /^\/dev\/(null|zero|stdin|stdout|stderr|fd\/\d+)$/;
const NETWORK_DEVICES = /^\/dev\/(tcp|udp)(\/|$)/;
/** Statement lists of the Go AST: more than one statement in any of them is a chain. */
const STATEMENT_LISTS = ['Stmts', 'Cond', 'Then', 'Do'] as const;
const MAX_NESTING = 4;

/**
 * Reads a bash command line the way bash will and says what a person should look at before it
 * runs. It is advice for the card and the policy, not confinement: the sandbox is what holds.
 */
export function analyzeShell(command: string, workspace: string): ShellAnalysis {
  const findings: Findings = {
    prefix: undefined,
    commands: [],
    risks: new Set(),
    alwaysAsk: false,
    parseError: null,
  };
  analyzeInto(command, workspace, findings, 0);
  return {
    prefix: findings.parseError === null ? (findings.prefix ?? null) : null,
    commands: findings.commands,
    risks: [...findings.risks],
    alwaysAsk: findings.alwaysAsk,
    parseError: findings.parseError,
  };
}

function analyzeInto(command: string, workspace: string, out: Findings, depth: number): void {
  const flag = (risk: Risk, alwaysAsk = false) => {
    out.risks.add(risk);
    if (alwaysAsk) out.alwaysAsk = true;
  };
  let file;
  try {
    file = parseShell(command);
  } catch (err) {
    out.parseError ??= err instanceof ShellParseError ? err.message : String(err);
    flag(RISK.unparsable, true);
    return;
  }
  const source = Buffer.from(command, 'utf8');
  const ops = shellOps();
  const report: CommandReport = {
    risk: flag,
    script: (script) => {
      if (depth < MAX_NESTING) analyzeInto(script, workspace, out, depth + 1);
      else flag(RISK.nestedShell, true);
    },
  };

  const checkRedirect = (redirect: ShRedirect) => {
    if ([ops.heredoc, ops.heredocTabs, ops.herestring].includes(redirect.Op) || !redirect.Word) return;
    const target = readWord(redirect.Word, source);
    if (pointsAtSecrets(target, workspace)) flag(RISK.secrets, true);
    const duplicatesFd = redirect.Op === ops.dupIn || redirect.Op === ops.dupOut;
    if (duplicatesFd && target.literal && /^(\d+-?|-)$/.test(target.value)) return;
    if (!target.literal) return flag(RISK.redirectOutside, true);
    const resolved = posix.resolve(workspace, target.value);
    if (HARMLESS_DEVICES.test(resolved)) return;
    if (NETWORK_DEVICES.test(resolved)) flag(RISK.networkTool);
    if (!isInsideWorkspace(workspace, resolved, posix) || resolved.startsWith('/proc/')) {
      flag(RISK.redirectOutside, true);
    }
  };

  walk(file, (node, type) => {
    switch (type) {
      case 'CallExpr': {
        const call = node as ShCallExpr;
        const words = call.Args.map((word) => readWord(word, source));
        if (words.length === 0) break;
        if (depth === 0 && out.prefix === undefined) {
          const kept = words.slice(0, 2).findIndex((w) => !w.literal || w.value.includes('*'));
          const count = kept === -1 ? Math.min(words.length, 2) : kept;
          out.prefix = count === 0 ? null : sliceBytes(source, 0, call.Args[count - 1]!.End().Offset());
        }
        out.commands.push(words.map((w) => w.text));
        inspectCommand(words, workspace, report);
        break;
      }
      case 'CmdSubst':
        // Backquotes and $(…) are the same thing to bash, so the card names both the same way.
        flag(RISK.commandSubstitution, true);
        break;
      case 'ProcSubst':
        flag(RISK.processSubstitution, true);
        break;
      case 'ArithmExp':
        flag(RISK.arithmeticExpansion);
        break;
      case 'BinaryCmd': {
        const op = (node as ShBinaryCmd).Op;
        if (op === ops.pipe || op === ops.pipeAll) flag(RISK.pipeline, true);
        else flag(RISK.chained, true);
        break;
      }
      case 'Stmt':
        if ((node as ShStmt).Background) flag(RISK.background);
        break;
      case 'CoprocClause':
        flag(RISK.background);
        break;
      case 'Subshell':
        flag(RISK.subshell);
        break;
      case 'FuncDecl':
        flag(RISK.functionDefinition);
        break;
      case 'Redirect':
        checkRedirect(node as ShRedirect);
        break;
    }
    if (hasSeveralStatements(node)) flag(RISK.chained, true);
  });
}

function hasSeveralStatements(node: ShNode): boolean {
  const fields = node as unknown as Record<string, unknown>;
  return STATEMENT_LISTS.some((key) => {
    const list = fields[key];
    return Array.isArray(list) && list.length > 1;
  });
}
