import { z } from 'zod';
import type { ToolName } from '../../protocol/kernel-entities.js';
import type { RunSpec } from '../types.js';
import { WORKSPACE_GUARD, resolveInWorkspace } from './paths.js';
import { visibleText } from '../permissions/visible.js';

const reason = z
  .string()
  .max(500)
  .optional()
  .describe('One sentence for the owner: why this call is needed. Shown on the permission card.');
const path = z.string().min(1).max(4096);

export const toolInputSchemas = {
  shell: z.object({
    command: z.string().min(1).max(20_000).describe('A bash command line, run in the workspace.'),
    network: z.boolean().optional().describe('Ask for network access for this command (the owner decides).'),
    reason,
  }),
  read_file: z.object({
    path: path.describe('File path, relative to the workspace.'),
    maxBytes: z.number().int().min(1).max(1_000_000).optional(),
    reason,
  }),
  write_file: z.object({
    path: path.describe('File path, relative to the workspace; parent folders are created.'),
    content: z.string().max(5_000_000),
    reason,
  }),
  edit_file: z.object({
    path,
    oldText: z.string().min(1).describe('Exact text to replace; it must occur exactly once in the file.'),
    newText: z.string(),
    reason,
  }),
  list_dir: z.object({ path: path.default('.'), reason }),
  search_files: z.object({
    pattern: z.string().min(1).max(1000).describe('A grep regular expression.'),
    path: path.default('.'),
    reason,
  }),
  fetch_url: z.object({
    url: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//i.test(u), 'only http and https URLs'),
    reason,
  }),
} satisfies Record<ToolName, z.ZodType>;

export const toolDescriptions: Record<ToolName, string> = {
  shell:
    'Run a bash command in this conversation’s workspace, inside a sandbox with no network unless granted. Output is a terminal transcript.',
  read_file: 'Read a text file from the workspace.',
  write_file: 'Create or overwrite a file in the workspace.',
  edit_file: 'Replace one exact occurrence of oldText with newText in a workspace file.',
  list_dir: 'List a folder of the workspace.',
  search_files: 'Search files of the workspace for a regular expression (grep -rn).',
  fetch_url: 'Fetch a web page or API response over HTTP(S) (needs network, which the owner grants).',
};

type Args<T extends ToolName> = z.infer<(typeof toolInputSchemas)[T]>;

/** The line a person reads on the tool card, with control and invisible characters made visible. */
export function summarize(tool: ToolName, args: unknown): string {
  return visibleText(rawSummary(tool, args));
}

function rawSummary(tool: ToolName, args: unknown): string {
  const a = (args ?? {}) as Record<string, unknown>;
  switch (tool) {
    case 'shell':
      return String(a.command ?? '');
    case 'search_files':
      return `grep ${JSON.stringify(a.pattern ?? '')} ${String(a.path ?? '.')}`;
    case 'fetch_url':
      return String(a.url ?? '');
    default:
      return `${tool.replace('_', ' ')} ${String(a.path ?? '.')}`;
  }
}

function guarded(workspace: string, target: string, action: string, extra: string[] = []): string[] {
  return ['/bin/sh', '-c', `${WORKSPACE_GUARD}${action}`, 'cell0-tool', workspace, target, ...extra];
}

/** How each tool runs inside the sandbox: never in the app's own process. */
export function runSpecFor(tool: ToolName, args: unknown, workspace: string): RunSpec {
  switch (tool) {
    case 'shell': {
      const a = args as Args<'shell'>;
      return {
        argv: ['/bin/bash', '--noprofile', '--norc', '-c', a.command],
        workspace,
        network: a.network === true,
        tty: true,
      };
    }
    case 'read_file': {
      const a = args as Args<'read_file'>;
      const target = resolveInWorkspace(workspace, a.path);
      return {
        argv: guarded(
          workspace,
          target,
          '[ -f "$p" ] || { echo "cell0: $p is not a file" >&2; exit 2; }\nhead -c "$1" -- "$p"',
          [String(a.maxBytes ?? 200_000)],
        ),
        workspace,
        network: false,
      };
    }
    case 'write_file': {
      const a = args as Args<'write_file'>;
      const target = resolveInWorkspace(workspace, a.path);
      return {
        argv: guarded(
          workspace,
          target,
          'mkdir -p -- "$(dirname -- "$p")"\ncat > "$p"\necho "wrote $(wc -c < "$p") bytes to $p"',
        ),
        workspace,
        network: false,
        stdin: a.content,
      };
    }
    case 'list_dir': {
      const a = args as Args<'list_dir'>;
      const target = resolveInWorkspace(workspace, a.path ?? '.');
      return {
        argv: guarded(workspace, target, 'ls -la --group-directories-first -- "$p"'),
        workspace,
        network: false,
      };
    }
    case 'search_files': {
      const a = args as Args<'search_files'>;
      const target = resolveInWorkspace(workspace, a.path ?? '.');
      return {
        argv: guarded(workspace, target, 'grep -rnI --max-count=50 -e "$1" -- "$p" | head -n 500; exit 0', [
          a.pattern,
        ]),
        workspace,
        network: false,
      };
    }
    case 'fetch_url': {
      const a = args as Args<'fetch_url'>;
      return {
        argv: [
          'curl',
          '-sS',
          '-L',
          '--max-time',
          '30',
          '--max-filesize',
          '2000000',
          '-A',
          'Cell0/0.1',
          '--',
          a.url,
        ],
        workspace,
        network: true,
      };
    }
    case 'edit_file':
      // Two sandboxed steps (read, then write) joined in the kernel; see Kernel.editFile.
      throw new Error('edit_file runs as a read and a write');
  }
}

/** The edit itself is a pure string operation; only the reading and writing touch files. */
export function applyEdit(
  text: string,
  oldText: string,
  newText: string,
): { ok: true; text: string } | { ok: false; reason: string } {
  const first = text.indexOf(oldText);
  if (first < 0) return { ok: false, reason: 'oldText was not found in the file.' };
  if (text.indexOf(oldText, first + 1) >= 0) {
    return { ok: false, reason: 'oldText occurs more than once; include more context so it is unique.' };
  }
  return { ok: true, text: text.slice(0, first) + newText + text.slice(first + oldText.length) };
}
