import { posix } from 'node:path';
import type { WordInfo } from './shell-words.js';
import { isInsideWorkspace } from './workspace-path.js';

/**
 * Where a host keeps what must not leak: password hashes, private keys, keychains, browser profiles
 * (cookies and saved passwords), cloud and registry credentials. Matched against an absolute path;
 * a home directory reads as `/~` when the word starts with `~` or `$HOME`.
 */
const SENSITIVE: readonly RegExp[] = [
  /^\/etc\/(shadow|gshadow|sudoers|master\.passwd)(-|\.d)?(\/|$)/,
  /^\/etc\/ssh\/ssh_host_[^/]*key$/,
  /\/\.ssh(\/|$)/,
  /\/\.gnupg(\/|$)/,
  /\/\.password-store(\/|$)/,
  /\/\.local\/share\/keyrings(\/|$)/,
  /\/\.local\/share\/kwalletd(\/|$)/,
  /\/Library\/Keychains(\/|$)/,
  /\/\.config\/(google-chrome|chromium|BraveSoftware|microsoft-edge|vivaldi|opera)(\/|$)/,
  /\/\.mozilla(\/|$)/,
  /\/snap\/(chromium|firefox)(\/|$)/,
  /\/Library\/Application Support\/(Google\/Chrome|Chromium|Firefox|BraveSoftware|Microsoft Edge)(\/|$)/,
  /\/Library\/Cookies(\/|$)/,
  /\/\.aws\/credentials$/,
  /\/\.netrc$/,
  /\/\.docker\/config\.json$/,
  /\/\.kube\/config$/,
];

const HOME = /^(~[^/]*|\$HOME|\$\{HOME\})(?=\/|$)/;

/** The paths a word may name: the word itself, and the value of `--opt=PATH` or `if=PATH`. */
function candidates(value: string): string[] {
  const eq = value.indexOf('=');
  return eq === -1 ? [value] : [value, value.slice(eq + 1)];
}

function sensitive(path: string): boolean {
  return SENSITIVE.some((pattern) => pattern.test(path));
}

function matches(value: string, workspace: string): boolean {
  const home = HOME.exec(value);
  if (home) return sensitive(posix.resolve(`/~${value.slice(home[0].length)}`));
  // Another variable first (`$DIR/.ssh`): where it points is unknown, so its tail is what counts.
  if (value.startsWith('$')) return sensitive(`/${value}`);
  const resolved = posix.resolve(workspace, value);
  // A `.ssh` the agent made in its own workspace is its own: only paths outside count.
  return !isInsideWorkspace(workspace, resolved, posix) && sensitive(resolved);
}

/** Whether a shell word points into the host's secrets (literal or not: `~/.ssh/*` counts). */
export function pointsAtSecrets(word: WordInfo, workspace: string): boolean {
  return candidates(word.value).some((value) => matches(value, workspace));
}
