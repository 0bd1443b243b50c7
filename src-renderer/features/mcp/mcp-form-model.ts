import type { McpServerInput } from '../../../src-main/core/protocol/index.js';
import { parseAssignments, parseHeaders, parsePaths, splitCommandLine } from '../../lib/command-line.js';

export type Mode = 'command' | 'url' | 'json';

export interface Fields {
  name: string;
  commandLine: string;
  env: string;
  paths: string;
  network: boolean;
  unconfined: boolean;
  url: string;
  headers: string;
  token: string;
}

export const EMPTY: Fields = {
  name: '',
  commandLine: '',
  env: '',
  paths: '',
  network: false,
  unconfined: false,
  url: '',
  headers: '',
  token: '',
};

/** The form's fields as the server to add, or what is wrong with them. */
export function inputFrom(mode: 'command' | 'url', f: Fields): McpServerInput | string {
  if (!f.name.trim()) return 'Give the server a name.';
  if (mode === 'url') {
    if (!f.url.trim()) return 'Give the server’s URL.';
    const headers = parseHeaders(f.headers);
    if ('error' in headers) return `Headers: ${headers.error}.`;
    return {
      name: f.name.trim(),
      enabled: true,
      transport: {
        kind: 'http',
        url: f.url.trim(),
        headers: headers.values,
        bearerToken: f.token.trim() || null,
      },
    };
  }
  const split = splitCommandLine(f.commandLine);
  if ('error' in split) return `The command line: ${split.error}.`;
  if (split.words.length === 0) return 'Give the command that starts the server.';
  const env = parseAssignments(f.env);
  if ('error' in env) return `Environment: ${env.error}.`;
  const [command, ...args] = split.words;
  return {
    name: f.name.trim(),
    enabled: true,
    transport: {
      kind: 'stdio',
      command: command!,
      args,
      cwd: null,
      env: env.values,
      confinement: f.unconfined ? 'unconfined' : 'sandbox',
      paths: parsePaths(f.paths),
      network: f.network,
    },
  };
}
