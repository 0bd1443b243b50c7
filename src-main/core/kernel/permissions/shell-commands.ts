import { posix } from 'node:path';
import { RISK, type Risk } from './risks.js';
import { pointsAtSecrets } from './sensitive-paths.js';
import type { WordInfo } from './shell-words.js';
import { isInsideWorkspace } from './workspace-path.js';

/** Where a simple command's findings go; `alwaysAsk` marks what no rule may wave through. */
export interface CommandReport {
  risk(risk: Risk, alwaysAsk?: boolean): void;
  /** A literal script another shell will run (`sh -c '…'`, `eval …`): analysed like the command itself. */
  script(source: string): void;
}

const NETWORK_TOOLS = new Set([
  'curl',
  'wget',
  'nc',
  'ncat',
  'netcat',
  'socat',
  'ssh',
  'scp',
  'sftp',
  'rsync',
  'ftp',
  'tftp',
  'telnet',
  'lftp',
  'aria2c',
  'http',
  'https',
  'xh',
]);
const GIT_NETWORK = new Set(['clone', 'fetch', 'pull', 'push', 'ls-remote', 'submodule', 'remote']);
const OTHER_USER = new Set(['sudo', 'su', 'doas', 'pkexec', 'runuser']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'fish', 'csh', 'tcsh']);
const SOURCE = new Set(['source', '.']);
/** Every operand may be written or removed. */
const WRITES_ALL = new Set([
  'rm',
  'rmdir',
  'unlink',
  'shred',
  'touch',
  'mkdir',
  'truncate',
  'chmod',
  'chown',
  'chgrp',
  'tee',
  'mv',
]);
/** Only the last operand (or the -t directory) is written. */
const WRITES_LAST = new Set(['cp', 'ln', 'install', 'rsync', 'scp']);

/**
 * Programs that run another program named in their arguments, with the options that take a value
 * (so the value is not mistaken for that program) and how many plain operands come first.
 */
const WRAPPERS: Record<string, { valued: string[]; leading?: number }> = {
  sudo: { valued: ['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T', '-R'] },
  doas: { valued: ['-u', '-C'] },
  env: { valued: ['-u', '-C', '--unset', '--chdir'] },
  nohup: { valued: [] },
  command: { valued: [] },
  builtin: { valued: [] },
  time: { valued: ['-f', '-o'] },
  nice: { valued: ['-n'] },
  timeout: { valued: ['-s', '-k'], leading: 1 },
  stdbuf: { valued: ['-i', '-o', '-e'] },
  xargs: { valued: ['-a', '-d', '-E', '-I', '-L', '-n', '-P', '-s'] },
  ionice: { valued: ['-c', '-n', '-p'] },
  taskset: { valued: [], leading: 1 },
  chrt: { valued: [], leading: 1 },
  setsid: { valued: [] },
  exec: { valued: ['-a'] },
};

function programName(word: WordInfo): string {
  return posix.basename(word.value);
}

/** The wrapped command, past the wrapper's options, `NAME=value` settings and leading operands. */
function unwrap(program: string, args: WordInfo[], report: CommandReport): WordInfo[] {
  const spec = WRAPPERS[program]!;
  let i = 0;
  let leading = spec.leading ?? 0;
  while (i < args.length) {
    const arg = args[i]!.value;
    if (arg === '--') return args.slice(i + 1);
    if (program === 'env' && (arg === '-S' || arg === '--split-string')) {
      // env -S 'sh -c …' splits its value into a command line: read it as one.
      if (args[i + 1]) report.script(args[i + 1]!.value);
      return [];
    }
    if (arg.startsWith('-') && arg.length > 1) {
      i += spec.valued.includes(arg) ? 2 : 1;
    } else if (program === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(arg)) {
      i += 1;
    } else if (leading > 0) {
      leading -= 1;
      i += 1;
    } else {
      break;
    }
  }
  return args.slice(i);
}

/** `find … -exec cmd {} ;` runs cmd once per file. */
function findExecs(args: WordInfo[]): WordInfo[][] {
  const inner: WordInfo[][] = [];
  for (let i = 0; i < args.length; i++) {
    if (!['-exec', '-execdir', '-ok', '-okdir'].includes(args[i]!.value)) continue;
    const end = args.findIndex((a, j) => j > i && (a.value === ';' || a.value === '+'));
    inner.push(args.slice(i + 1, end === -1 ? undefined : end));
    i = end === -1 ? args.length : end;
  }
  return inner;
}

/** The script a shell runs with `-c`, or null when it reads a file or stdin instead. */
function shellScript(args: WordInfo[]): WordInfo | null | undefined {
  let command = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!.value;
    if (arg === '--') return command ? (args[i + 1] ?? null) : null;
    if (arg === '-o' || arg === '+o') {
      i += 1;
    } else if (/^-[A-Za-z]+$/.test(arg)) {
      if (arg.includes('c')) command = true;
    } else if (!arg.startsWith('--')) {
      return command ? args[i]! : null;
    }
  }
  return command ? undefined : null;
}

function operands(args: WordInfo[]): WordInfo[] {
  const out: WordInfo[] = [];
  let optionsDone = false;
  for (const arg of args) {
    if (!optionsDone && arg.value === '--') optionsDone = true;
    else if (!optionsDone && arg.value.startsWith('-') && arg.value.length > 1) continue;
    else out.push(arg);
  }
  return out;
}

/** Only the obvious: an absolute or `..` path outside, the home directory, a path that starts with `$VAR`. */
function pointsOutside(word: WordInfo, workspace: string): boolean {
  if (word.tilde || word.leadingParam) return true;
  if (!word.literal && !word.glob) return false;
  return !isInsideWorkspace(workspace, word.value, posix);
}

function writeTargets(program: string, args: WordInfo[]): WordInfo[] {
  if (program === 'dd') {
    return args
      .filter((a) => a.value.startsWith('of='))
      .map((a) => ({ ...a, value: a.value.slice(3), tilde: a.value.startsWith('of=~') }));
  }
  if (program === 'find') {
    if (!args.some((a) => a.value === '-delete')) return [];
    const end = args.findIndex((a) => a.value.startsWith('-') || a.value === '(' || a.value === '!');
    return args.slice(0, end === -1 ? undefined : end);
  }
  if (WRITES_ALL.has(program)) return operands(args);
  if (WRITES_LAST.has(program)) {
    const targets: WordInfo[] = [];
    args.forEach((a, i) => {
      if (a.value === '-t' && args[i + 1]) targets.push(args[i + 1]!);
      if (a.value.startsWith('--target-directory=')) {
        targets.push({ ...a, value: a.value.slice('--target-directory='.length) });
      }
    });
    const last = operands(args).at(-1);
    if (last) targets.push(last);
    return targets;
  }
  return [];
}

function gitSubcommand(args: WordInfo[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!.value;
    if (arg === '-C' || arg === '-c' || arg === '--git-dir' || arg === '--work-tree') i += 1;
    else if (!arg.startsWith('-')) return arg;
  }
  return null;
}

const MAX_DEPTH = 8;

/** Reads one simple command (argv as words) for what a permission card must point out. */
export function inspectCommand(words: WordInfo[], workspace: string, report: CommandReport, depth = 0): void {
  const [name, ...args] = words;
  if (!name || depth > MAX_DEPTH) return;
  if (!name.literal) {
    // The program that runs is only known at run time, so no rule can vouch for it.
    report.risk(name.hasParam ? RISK.variableCommand : RISK.obscuredCommand, true);
    return;
  }
  const program = programName(name);
  // Keys and keychains are worth the owner's look every time, whatever a rule says about the program.
  if (words.some((word) => pointsAtSecrets(word, workspace))) report.risk(RISK.secrets, true);
  if (NETWORK_TOOLS.has(program)) report.risk(RISK.networkTool);
  if (program === 'git' && GIT_NETWORK.has(gitSubcommand(args) ?? '')) report.risk(RISK.networkTool);
  if (OTHER_USER.has(program)) report.risk(RISK.otherUser);
  if (writeTargets(program, args).some((w) => pointsOutside(w, workspace))) report.risk(RISK.writesOutside);

  if (SHELLS.has(program) || program === 'eval' || SOURCE.has(program) || program === 'exec') {
    report.risk(RISK.nestedShell);
  }
  if (SHELLS.has(program)) {
    const script = shellScript(args);
    if (script === undefined || (script && !script.literal)) report.risk(RISK.nestedShell, true);
    else if (script) report.script(script.value);
  } else if (program === 'eval') {
    // eval joins its arguments with spaces and runs the result.
    if (args.every((a) => a.literal)) report.script(args.map((a) => a.value).join(' '));
    else report.risk(RISK.nestedShell, true);
  } else if (program === 'su') {
    const flag = args.findIndex((a) => a.value === '-c' || a.value === '--command');
    const script = flag === -1 ? null : args[flag + 1];
    const inline = args.find((a) => a.value.startsWith('--command='));
    if (script) {
      if (script.literal) report.script(script.value);
      else report.risk(RISK.nestedShell, true);
    } else if (inline) {
      report.script(inline.value.slice('--command='.length));
    }
  } else if (program in WRAPPERS) {
    inspectCommand(unwrap(program, args, report), workspace, report, depth + 1);
  } else if (program === 'find') {
    for (const inner of findExecs(args)) inspectCommand(inner, workspace, report, depth + 1);
  }
}
