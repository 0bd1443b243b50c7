import nodePath from 'node:path';
import type { ErrorCode } from '../../protocol/errors.js';
import type { PermissionPreview, ToolName } from '../../protocol/kernel-entities.js';
import { previewFor } from './preview.js';
import { RISK } from './risks.js';
import { analyzeShell } from './shell-analysis.js';
import { visibleText } from './visible.js';
import type { HostedCall } from '../types.js';
import { isInsideWorkspace, resolveLexically } from './workspace-path.js';

/** A call refused before anyone is asked: a stable code and a sentence for the model and the owner. */
export interface Refusal {
  code: ErrorCode;
  message: string;
}

/** What a permission card shows for one call, and what rules are matched against. */
export interface CallDescription {
  /** The exact command, path or URL, control and invisible characters made visible. */
  display: string;
  /** What a write or an edit will put in the file; null for the other tools. */
  preview: PermissionPreview | null;
  network: boolean;
  /** The resolved path or URL a file or web tool acts on; null for the shell. */
  target: string | null;
  risks: string[];
  /** No rule or grant may allow it: the owner looks every time. */
  alwaysAsk: boolean;
  /**
   * Why the call cannot succeed whatever the owner answers (a file tool pointed outside its
   * workspace, which the tool itself refuses): refused at once instead of asked.
   */
  refusal: Refusal | null;
  /**
   * What "always allow" (or a grant for this reply or conversation) would keep, covering this
   * call; null when no rule or grant can cover it (alwaysAsk: a chain, a substitution…), since a
   * pattern offered then would cover other calls (the first command of a chain alone) and never this.
   */
  proposedPattern: string | null;
  /**
   * What allow patterns match: the display, or `network: <display>` for a shell call that asks for
   * network, so a rule made for a call without network never lends it network.
   */
  subject: string;
  /** Each simple command of a shell line as text; deny rules look at them one by one too. */
  parts: string[];
}

export const NETWORK_PREFIX = 'network: ';

const READS = new Set<ToolName>(['read_file', 'list_dir', 'search_files']);
const FOLDERS = new Set<ToolName>(['list_dir', 'search_files']);

function record(args: unknown): Record<string, unknown> | null {
  return typeof args === 'object' && args !== null && !Array.isArray(args)
    ? (args as Record<string, unknown>)
    : null;
}

/** Arguments that do not have the tool's shape: shown raw, and never covered by a rule. */
function malformed(tool: ToolName, args: unknown): CallDescription {
  let raw: string;
  try {
    raw = JSON.stringify(args) ?? String(args);
  } catch {
    raw = String(args);
  }
  const display = visibleText(`${tool} ${raw}`);
  return {
    display,
    preview: null,
    network: tool === 'fetch_url',
    target: null,
    risks: [RISK.badArguments],
    alwaysAsk: true,
    refusal: null,
    proposedPattern: display,
    subject: display,
    parts: [],
  };
}

function describeShell(args: Record<string, unknown>, workspace: string): CallDescription | null {
  if (typeof args.command !== 'string') return null;
  const command = args.command;
  const network = args.network === true;
  const analysis = analyzeShell(command, workspace);
  const display = visibleText(command, { markNewlines: true });
  const risks = network ? [RISK.networkAccess, ...analysis.risks] : analysis.risks;
  const prefix =
    analysis.prefix === null ? display : `${visibleText(analysis.prefix, { markNewlines: true })} *`;
  return {
    display,
    preview: null,
    network,
    target: null,
    risks,
    alwaysAsk: analysis.alwaysAsk,
    refusal: null,
    proposedPattern: network ? `${NETWORK_PREFIX}${prefix}` : prefix,
    subject: network ? `${NETWORK_PREFIX}${display}` : display,
    parts: analysis.commands.map((argv) => visibleText(argv.join(' '), { markNewlines: true })),
  };
}

function describePath(
  tool: ToolName,
  args: Record<string, unknown>,
  workspace: string,
): CallDescription | null {
  const given = args.path ?? (FOLDERS.has(tool) ? '.' : undefined);
  if (typeof given !== 'string' || given === '') return null;
  const resolved = resolveLexically(workspace, given);
  const inside = isInsideWorkspace(workspace, resolved);
  const risks = inside ? [] : [READS.has(tool) ? RISK.readsOutside : RISK.writesOutside];
  const folder = FOLDERS.has(tool) ? resolved : nodePath.dirname(resolved);
  const display = visibleText(resolved);
  return {
    display,
    preview: previewFor(tool, args),
    network: false,
    target: resolved,
    risks,
    alwaysAsk: false,
    refusal: inside
      ? null
      : {
          code: 'OUTSIDE_WORKSPACE',
          message:
            `${tool} cannot reach ${display}: file tools work only inside this conversation's workspace ` +
            `(${visibleText(workspace)}), so it was refused without asking the owner. Use a path inside the workspace.`,
        },
    proposedPattern: visibleText(folder.endsWith(nodePath.sep) ? `${folder}*` : `${folder}${nodePath.sep}*`),
    subject: display,
    parts: [],
  };
}

function describeFetch(args: Record<string, unknown>): CallDescription | null {
  if (typeof args.url !== 'string') return null;
  let url: URL;
  try {
    url = new URL(args.url);
  } catch {
    return null;
  }
  // The parsed form is what will be fetched: it shows an IDN host as punycode and drops the tricks.
  const display = visibleText(url.href);
  const web = url.protocol === 'https:' || url.protocol === 'http:';
  return {
    display,
    preview: null,
    network: true,
    target: url.href,
    risks: web ? [] : [RISK.notWeb],
    alwaysAsk: !web,
    refusal: null,
    proposedPattern: web ? visibleText(`${url.protocol}//${url.host}/*`) : display,
    subject: display,
    parts: [],
  };
}

/** Says what a call would do, in the words and the one string the card, rules and grants all use. */
export function describeCall(tool: ToolName, args: unknown, workspace: string): CallDescription {
  const fields = record(args);
  let described: CallDescription | null = null;
  if (fields) {
    if (tool === 'shell') described = describeShell(fields, workspace);
    else if (tool === 'fetch_url') described = describeFetch(fields);
    else described = describePath(tool, fields, workspace);
  }
  const call = described ?? malformed(tool, args);
  return call.alwaysAsk ? { ...call, proposedPattern: null } : call;
}

/** A hosted tool's call as its host describes it: what the owner approves, made visible. */
export function describeHosted(call: HostedCall): CallDescription {
  const display = visibleText(call.display, { markNewlines: true });
  return {
    display,
    preview: null,
    network: false,
    target: null,
    risks: call.risks ?? [],
    alwaysAsk: false,
    refusal: null,
    proposedPattern: visibleText(call.proposedPattern ?? '*'),
    subject: display,
    parts: [],
  };
}
