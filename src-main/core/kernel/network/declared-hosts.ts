import { formatTarget, normaliseHost } from './host-patterns.js';

/**
 * The hosts a call says it wants, read from its arguments before it runs, for the permission
 * card ("allow these hosts"): fetch_url's URL, and a shell command's obvious targets (URLs, ssh and
 * git remotes, the registries of the package managers it runs). Anything else a call tries is
 * put to the owner when it tries (the proxy asks), so this list need not be complete.
 */
export function declaredHosts(tool: string, args: unknown): string[] {
  const a = (args ?? {}) as Record<string, unknown>;
  if (tool === 'fetch_url' && typeof a.url === 'string') return unique(urlTargets(a.url));
  if (tool === 'shell' && typeof a.command === 'string') return unique(shellTargets(a.command));
  return [];
}

function unique(targets: string[]): string[] {
  return [...new Set(targets)];
}

function urlTarget(text: string): string | null {
  try {
    const url = new URL(text);
    const port = url.port
      ? Number(url.port)
      : url.protocol === 'https:'
        ? 443
        : url.protocol === 'http:'
          ? 80
          : null;
    const host = normaliseHost(url.hostname);
    // A host the shell fills in at run time ($HOST, `cmd`) is not named: the proxy asks when it is tried.
    if (port === null || !/^[a-z0-9._-]+$|^[0-9a-f:.]+$/.test(host)) return null;
    return formatTarget(host, port);
  } catch {
    return null;
  }
}

function urlTargets(text: string): string[] {
  const target = urlTarget(text);
  return target ? [target] : [];
}

/** Package managers and the hosts they always reach. */
const REGISTRIES: [RegExp, string[]][] = [
  [
    /\b(pip3?|pipx|uv|python3?\s+-m\s+pip)\s+(install|download|wheel)\b/,
    ['pypi.org:443', 'files.pythonhosted.org:443'],
  ],
  [
    /\b(npm|npx|pnpm)\s+(i|install|ci|add|view|info|exec|update|outdated)\b|\bnpx\s+\S/,
    ['registry.npmjs.org:443'],
  ],
  [/\byarn\b/, ['registry.yarnpkg.com:443']],
  [
    /\bcargo\s+(install|build|fetch|update|add)\b/,
    ['crates.io:443', 'index.crates.io:443', 'static.crates.io:443'],
  ],
  [/\bgo\s+(get|install|mod\s+download)\b/, ['proxy.golang.org:443', 'sum.golang.org:443']],
  [/\bgem\s+install\b|\bbundle\s+install\b/, ['rubygems.org:443']],
];

function shellTargets(command: string): string[] {
  const targets: string[] = [];
  for (const match of command.matchAll(/\b(?:https?):\/\/[^\s'"`<>|;&)]+/g)) {
    const target = urlTarget(match[0]);
    if (target) targets.push(target);
  }
  // git@github.com:owner/repo.git and ssh://host — ssh on port 22 unless it says otherwise.
  for (const match of command.matchAll(/\b[\w.-]+@([a-z0-9.-]+\.[a-z]{2,}):(?!\/\/)/gi)) {
    targets.push(formatTarget(normaliseHost(match[1]!), 22));
  }
  for (const match of command.matchAll(/\bssh:\/\/(?:[\w.-]+@)?([a-z0-9.-]+)(?::(\d+))?/gi)) {
    targets.push(formatTarget(normaliseHost(match[1]!), match[2] ? Number(match[2]) : 22));
  }
  for (const [pattern, hosts] of REGISTRIES) if (pattern.test(command)) targets.push(...hosts);
  return targets;
}
