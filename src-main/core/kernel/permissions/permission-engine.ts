import { randomUUID } from 'node:crypto';
import type { EventBus } from '../../base/event-bus.js';
import { verifySignature, type IdentityService } from '../../identity/identity-service.js';
import { silentLogger, type Logger } from '../../base/logger.js';
import { Cell0Error } from '../../protocol/errors.js';
import {
  NETWORK_TOOL,
  type NetworkScope,
  type PermissionDecision,
  type PermissionRequest,
  type PermissionRule,
} from '../../protocol/kernel-entities.js';
import { parseHostPattern } from '../network/host-patterns.js';
import type { Database } from '../../storage/database.js';
import type { AuditLog } from '../audit/audit-log.js';
import type {
  Assessment,
  ConnectionCall,
  HostedCall,
  OwnerDecision,
  PermissionSubject,
  ToolCallInput,
} from '../types.js';
import { instanceKeys } from './instance-keys.js';
import { assess, assessConnection, assessHosted, type Grant } from './policy.js';
import { loadRule, rulePayload, RuleStore, type LoadedRule } from './rule-store.js';
import { visibleText } from './visible.js';

export interface PermissionEngineDeps {
  db: Database;
  identity: Pick<IdentityService, 'sign' | 'state' | 'rotationChain'>;
  bus: EventBus;
  audit: Pick<AuditLog, 'append'>;
  logger?: Logger;
}

interface Waiting {
  request: PermissionRequest;
  signal: AbortSignal;
  resolve: (decision: OwnerDecision) => void;
  onAbort: () => void;
  /** For a call that wants network: told which hosts the owner let it reach, before it is resolved. */
  onNetwork: ((scope: NetworkScope) => void) | undefined;
}

/** Longest pattern an answer may carry (the protocol's own limit). */
const MAX_PATTERN = 500;
/** A rotation can swap the key between reading it and signing with it: try again that often. */
const SIGN_ATTEMPTS = 3;

/**
 * Decides whether a tool call may run, asks the owner when it must, and keeps the owner's answers.
 *
 * The one way in for a permission is `respond`, which only the owner's authenticated client reaches
 * through the protocol. Nothing a model writes, a tool returns or a chat user sends is read as an
 * answer: arguments and reasons are only ever shown, matched against, and hashed into the audit.
 */
export class PermissionEngine {
  private readonly store: RuleStore;
  private readonly identity: PermissionEngineDeps['identity'];
  private readonly bus: EventBus;
  private readonly audit: PermissionEngineDeps['audit'];
  private readonly logger: Logger;
  private loaded: LoadedRule[] = [];
  private grants: Grant[] = [];
  private readonly waiting = new Map<string, Waiting>();
  private unsubscribe: (() => void) | null = null;
  // Reloads read then replace `loaded`: one at a time, so an older read never lands last.
  private reloads: Promise<unknown> = Promise.resolve();

  constructor(deps: PermissionEngineDeps) {
    this.store = new RuleStore(deps.db);
    this.identity = deps.identity;
    this.bus = deps.bus;
    this.audit = deps.audit;
    this.logger = deps.logger ?? silentLogger;
  }

  async start(): Promise<void> {
    await this.reload();
    // Which keys count changes when the identity loads, unlocks or rotates: verify the rules again.
    this.unsubscribe = this.bus.subscribe((frame) => {
      if (frame.event !== 'identity.updated') return;
      this.reload()
        .then(() => this.announceRules())
        .catch((err: unknown) => this.logger.warn('could not re-check permission rules', err));
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.cancelAll();
    await this.reloads.catch(() => undefined);
  }

  assess(input: ToolCallInput, sandboxAvailable: boolean): Assessment {
    const rules = this.loaded.filter((rule) => rule.valid);
    return assess(input, { rules, grants: this.grants, sandboxAvailable });
  }

  /** A connection a running call tried beyond its grant, under the rules and grants of `network`. */
  assessConnection(input: ConnectionCall): Assessment & { exact: boolean } {
    const rules = this.loaded.filter((rule) => rule.valid);
    return assessConnection(input, { rules, grants: this.grants });
  }

  /** A hosted tool's call (run in Cell 0 itself) under the same rules and grants. */
  assessHosted(input: HostedCall): Assessment {
    const rules = this.loaded.filter((rule) => rule.valid);
    return assessHosted(input, { rules, grants: this.grants });
  }

  /** Puts a card in front of the owner; resolves with the answer, or 'cancelled' when `signal` aborts. */
  request(
    input: PermissionSubject,
    assessment: Assessment,
    signal: AbortSignal,
    opts: {
      unsandboxed: boolean;
      onNetwork?: (scope: NetworkScope) => void;
      /** The call runs in a lab; and whether the card may offer to try it in one first. */
      lab?: boolean;
      labOffered?: boolean;
    },
  ): Promise<OwnerDecision> {
    if (signal.aborted) return Promise.resolve('cancelled');
    const request: PermissionRequest = {
      id: randomUUID(),
      conversationId: input.conversationId,
      messageId: input.messageId,
      toolCallId: input.toolCallId,
      tool: input.tool,
      args: input.args,
      display: assessment.display,
      preview: assessment.preview,
      workspace: input.workspace,
      network: assessment.network,
      hosts: assessment.hosts,
      // The agent's words: shown, never obeyed, and no more able to hide characters than the command.
      reason: input.reason === null ? null : visibleText(input.reason),
      risks: assessment.risks,
      proposedPattern: assessment.proposedPattern,
      why: assessment.why,
      unsandboxed: opts.unsandboxed,
      createdAt: Date.now(),
      ...(opts.lab ? { lab: true } : {}),
      ...(opts.labOffered ? { labOffered: true } : {}),
    };
    return new Promise((resolve) => {
      const onAbort = () => this.settle(request.id, 'cancelled');
      this.waiting.set(request.id, { request, signal, resolve, onAbort, onNetwork: opts.onNetwork });
      signal.addEventListener('abort', onAbort, { once: true });
      this.bus.emit('permission.requested', { request });
    });
  }

  /**
   * The owner's answer. allow-reply and allow-conversation keep a grant for `pattern` (default: the
   * card's proposal) in memory; allow-always saves a rule signed by the instance key; deny and
   * allow-once keep nothing. Every answer is audited.
   */
  async respond(
    requestId: string,
    decision: PermissionDecision,
    pattern?: string,
    network?: NetworkScope,
  ): Promise<void> {
    const entry = this.waiting.get(requestId);
    if (!entry) {
      throw new Cell0Error(
        'NOT_FOUND',
        'This permission request is no longer waiting: it was answered or withdrawn. Refresh the list of requests.',
      );
    }
    if (pattern !== undefined && (pattern.trim() === '' || pattern.length > MAX_PATTERN)) {
      throw new Cell0Error('BAD_PARAMS', `A pattern is 1 to ${MAX_PATTERN} characters and not only spaces.`);
    }
    const { request } = entry;
    const widens =
      decision === 'allow-always' || decision === 'allow-reply' || decision === 'allow-conversation';
    if (widens && request.proposedPattern === null) {
      throw new Cell0Error(
        'BAD_PARAMS',
        'No rule or grant can cover this call (it needs a look every time): allow it once or deny it.',
      );
    }
    if (decision === 'try-in-lab' && !request.labOffered) {
      throw new Cell0Error('BAD_PARAMS', 'This call cannot be tried in a lab: allow it or deny it.');
    }
    if (network === 'hosts' && request.hosts.length === 0) {
      throw new Cell0Error(
        'BAD_PARAMS',
        'This call names no host: allow it for any public host, or deny it.',
      );
    }
    if (request.tool === NETWORK_TOOL && pattern !== undefined) {
      // A rule for connections holds a host pattern; parse it now, so a typo is said at once.
      parseHostPattern(pattern);
    }
    if (decision === 'allow-always') this.requireIdentity();
    const chosen = pattern ?? request.proposedPattern ?? '';
    // Taken off the list before anything is awaited, so a second answer or an abort cannot race it.
    this.claim(entry);

    let rule: LoadedRule | null = null;
    if (decision === 'allow-always') {
      try {
        rule = await this.saveRule(request.tool, chosen);
      } catch (err) {
        this.putBack(entry);
        throw err;
      }
    } else if (decision === 'allow-reply' || decision === 'allow-conversation') {
      this.grants.push({
        scope: decision === 'allow-reply' ? 'reply' : 'conversation',
        conversationId: request.conversationId,
        messageId: request.messageId,
        tool: request.tool,
        pattern: chosen,
      });
    }

    const widened = decision === 'allow-reply' || decision === 'allow-conversation' || rule !== null;
    // Recorded before the waiting call goes on, so the grant precedes the run in the audit chain.
    await this.record({
      actor: 'owner',
      kind: decision === 'deny' ? 'permission.deny' : 'permission.grant',
      tool: request.tool,
      args: request.args,
      outcome: widened ? `${decision}: ${chosen}` : decision,
      conversationId: request.conversationId,
    });
    if (rule) {
      await this.record({
        actor: 'owner',
        kind: 'rule.add',
        tool: rule.tool,
        outcome: `rule ${rule.id}: ${rule.decision} ${rule.tool} “${rule.pattern}”`,
        conversationId: request.conversationId,
      });
    }
    if (request.network && decision !== 'deny') {
      // Unsaid, a call that names hosts may reach those; one that names none, any public host.
      entry.onNetwork?.(network ?? (request.hosts.length > 0 ? 'hosts' : 'any-public'));
    }
    entry.resolve(decision);
    this.bus.emit('permission.resolved', { requestId, decision });
    if (rule) this.announceRules();
  }

  pending(): PermissionRequest[] {
    return [...this.waiting.values()].map((entry) => entry.request);
  }

  /** Every stored rule, with whether its signature holds; the policy uses only the valid ones. */
  rules(): PermissionRule[] {
    return this.loaded.map(({ publicKey: _publicKey, ...rule }) => rule);
  }

  async revoke(ruleId: string): Promise<void> {
    const rule = this.loaded.find((r) => r.id === ruleId);
    if (!rule || !(await this.store.delete(ruleId))) {
      throw new Cell0Error('NOT_FOUND', 'That rule does not exist any more. Refresh the list of rules.');
    }
    await this.reload();
    await this.record({
      actor: 'owner',
      kind: 'rule.revoke',
      tool: rule.tool,
      outcome: `rule ${rule.id}: ${rule.decision} ${rule.tool} “${rule.pattern}”${rule.valid ? '' : ' (invalid)'}`,
      conversationId: null,
    });
    this.announceRules();
  }

  /** Withdraws waiting cards: all of them, or one conversation's. */
  cancelAll(conversationId?: string): void {
    for (const { request } of [...this.waiting.values()]) {
      if (conversationId === undefined || request.conversationId === conversationId) {
        this.settle(request.id, 'cancelled');
      }
    }
  }

  private settle(requestId: string, decision: OwnerDecision): void {
    const entry = this.waiting.get(requestId);
    if (!entry) return;
    this.claim(entry);
    entry.resolve(decision);
    this.bus.emit('permission.resolved', { requestId, decision });
  }

  private claim(entry: Waiting): void {
    this.waiting.delete(entry.request.id);
    entry.signal.removeEventListener('abort', entry.onAbort);
  }

  /** An answer that could not be kept leaves the card waiting, unless its call was withdrawn meanwhile. */
  private putBack(entry: Waiting): void {
    if (entry.signal.aborted) {
      entry.resolve('cancelled');
      this.bus.emit('permission.resolved', { requestId: entry.request.id, decision: 'cancelled' });
      return;
    }
    this.waiting.set(entry.request.id, entry);
    entry.signal.addEventListener('abort', entry.onAbort, { once: true });
  }

  private requireIdentity(): string {
    const state = this.identity.state();
    if (state.status === 'ready') return state.identity.publicKey;
    throw new Cell0Error(
      'IDENTITY_UNAVAILABLE',
      `A standing rule must be signed by this instance's key, which is not available (${state.error.message}). Allow once, for this reply or for this conversation instead, or unlock the keychain and retry.`,
    );
  }

  private async saveRule(tool: string, pattern: string): Promise<LoadedRule> {
    const row = { id: randomUUID(), tool, pattern, decision: 'allow' as const, created_at: Date.now() };
    const payload = rulePayload(row);
    for (let attempt = 1; ; attempt++) {
      const publicKey = this.requireIdentity();
      const signature = await this.identity.sign(payload);
      if (verifySignature(publicKey, payload, signature)) {
        await this.store.insert({ ...row, public_key: publicKey, signature });
        await this.reload();
        const saved = this.loaded.find((r) => r.id === row.id);
        if (!saved) throw new Error('The new rule was not found after saving it.');
        return saved;
      }
      if (attempt >= SIGN_ATTEMPTS) {
        throw new Cell0Error(
          'IDENTITY_UNAVAILABLE',
          'The instance key changed while the rule was being signed. Answer the card again.',
        );
      }
    }
  }

  private reload(): Promise<void> {
    const run = this.reloads.then(async () => {
      const [rows, keys] = await Promise.all([this.store.all(), instanceKeys(this.identity)]);
      this.loaded = rows.flatMap((row) => loadRule(row, keys) ?? []);
    });
    this.reloads = run.catch(() => undefined);
    return run;
  }

  private announceRules(): void {
    this.bus.emit('permission.rulesChanged', { rules: this.rules() });
  }

  /**
   * The owner's answer stands even when it cannot be recorded (a locked keychain cannot sign audit
   * records): refusing a deny for that reason would be absurd, and the kernel will not run a call
   * whose own record it cannot write.
   */
  private async record(entry: Parameters<PermissionEngineDeps['audit']['append']>[0]): Promise<void> {
    try {
      await this.audit.append(entry);
    } catch (err) {
      this.logger.warn(`could not audit the owner's answer (${entry.kind}: ${entry.outcome})`, err);
    }
  }
}
