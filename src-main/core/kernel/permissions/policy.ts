import type { ToolName } from '../../protocol/kernel-entities.js';
import type { Assessment, HostedCall, ToolCallInput } from '../types.js';
import { describeCall, describeHosted, NETWORK_PREFIX, type CallDescription } from './display.js';
import { matchesPattern } from './pattern.js';

export { matchesPattern } from './pattern.js';

/** A standing rule whose signature verified; the engine never hands the policy any other. */
export interface ValidRule {
  id: string;
  tool: string;
  pattern: string;
  decision: 'allow' | 'deny';
}

/** A narrower yes the owner gave on a card: for the rest of one reply, or of one conversation. */
export interface Grant {
  scope: 'reply' | 'conversation';
  conversationId: string;
  /** The reply it was given in; it covers that reply only when scope is 'reply'. */
  messageId: string;
  tool: string;
  pattern: string;
}

export interface PolicyContext {
  rules: readonly ValidRule[];
  grants: readonly Grant[];
  sandboxAvailable: boolean;
}

/** Confined to the workspace and unable to change anything: fine to run unasked. */
const READ_ONLY = new Set<ToolName>(['read_file', 'list_dir', 'search_files']);

/** Whether an allow pattern covers the call; a `network: …` pattern also covers the call without network. */
function allows(pattern: string, call: CallDescription): boolean {
  if (matchesPattern(pattern, call.subject)) return true;
  return (
    pattern.startsWith(NETWORK_PREFIX) &&
    !call.subject.startsWith(NETWORK_PREFIX) &&
    matchesPattern(pattern.slice(NETWORK_PREFIX.length), call.subject)
  );
}

/** Deny patterns also look at each command of a chain: `curl *` denies `ls; curl x` too. */
function denies(pattern: string, call: CallDescription): boolean {
  return allows(pattern, call) || [call.display, ...call.parts].some((text) => matchesPattern(pattern, text));
}

interface Judged {
  tool: string;
  conversationId: string;
  messageId: string;
  call: CallDescription;
  /** Runs in the sandbox, which must then be available to allow unasked (hosted tools do not). */
  sandboxed: boolean;
  /** Allowed unasked when nothing flags it (reading inside the workspace). */
  readOnly: boolean;
  /** Why it asks when nothing covers it, if the tool says more than the default. */
  why?: string | undefined;
}

/**
 * Decides one call: deny > ask > allow. A call that cannot succeed is refused first; then a deny
 * rule wins over everything; then whatever must be seen (no sandbox, substitutions, chains,
 * redirections out) asks even if a rule would allow it; then allow rules, the owner's grants and
 * the read-only default; everything else asks.
 */
function judge(
  j: Judged,
  ctx: Omit<PolicyContext, 'sandboxAvailable'> & { sandboxAvailable: boolean },
): Assessment {
  const { call } = j;
  const base = {
    display: call.display,
    preview: call.preview,
    risks: call.risks,
    proposedPattern: call.proposedPattern,
    network: call.network,
  };
  const decide = (decision: Assessment['decision'], why: string, matchedRuleId: string | null = null) => ({
    ...base,
    decision,
    why,
    matchedRuleId,
    refusal: null,
  });
  // Asking would be a question without a real choice: the call fails whatever the answer.
  if (call.refusal) return { ...decide('deny', call.refusal.message), refusal: call.refusal };
  const rules = ctx.rules.filter((rule) => rule.tool === j.tool);

  const deny = rules.find((rule) => rule.decision === 'deny' && denies(rule.pattern, call));
  if (deny) return decide('deny', `Your rule denies ${j.tool} “${deny.pattern}”.`, deny.id);

  if (j.sandboxed && !ctx.sandboxAvailable) {
    return decide(
      'ask',
      'The sandbox is not available here: allowing runs this one call unconfined, so it is never allowed unasked.',
    );
  }
  if (call.alwaysAsk) {
    return decide(
      'ask',
      `It needs a careful look (${call.risks.join(', ')}): no rule or earlier answer covers that.`,
    );
  }

  const allow = rules.find((rule) => rule.decision === 'allow' && allows(rule.pattern, call));
  if (allow) return decide('allow', `Allowed by your rule “${allow.pattern}”.`, allow.id);

  const grant = ctx.grants.find(
    (g) =>
      g.tool === j.tool &&
      g.conversationId === j.conversationId &&
      (g.scope === 'conversation' || g.messageId === j.messageId) &&
      allows(g.pattern, call),
  );
  if (grant) {
    const where = grant.scope === 'reply' ? 'this reply' : 'this conversation';
    return decide('allow', `Allowed for ${where} by your answer “${grant.pattern}”.`);
  }

  if (j.readOnly && call.risks.length === 0) {
    return decide(
      'allow',
      'Reading inside the workspace is allowed by default: the tool is confined to it and read-only.',
    );
  }
  const risky = call.risks.length > 0 ? ` It has: ${call.risks.join(', ')}.` : '';
  return decide('ask', `${j.why ?? 'No rule or earlier answer covers this call.'}${risky}`);
}

/** Decides one call of a built-in tool (run in the sandbox). */
export function assess(input: ToolCallInput, ctx: PolicyContext): Assessment {
  return judge(
    {
      tool: input.tool,
      conversationId: input.conversationId,
      messageId: input.messageId,
      call: describeCall(input.tool, input.args, input.workspace),
      sandboxed: true,
      readOnly: READ_ONLY.has(input.tool),
    },
    ctx,
  );
}

/**
 * Decides one call of a hosted tool (run in Cell 0 itself): the same rules, grants and order, no
 * sandbox to wait for and no default allow — it asks unless the owner said yes before.
 */
export function assessHosted(input: HostedCall, ctx: Omit<PolicyContext, 'sandboxAvailable'>): Assessment {
  return judge(
    {
      tool: input.tool,
      conversationId: input.conversationId,
      messageId: input.messageId,
      call: describeHosted(input),
      sandboxed: false,
      readOnly: false,
      why: input.why,
    },
    { ...ctx, sandboxAvailable: true },
  );
}
