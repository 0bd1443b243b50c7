import type { ToolSet } from 'ai';
import { runAgentTurn, type TurnGate } from '../agents/agent-turn.js';
import type { ResolvedModel } from '../agents/provider-registry.js';
import type { RetryPolicy } from '../agents/retry-policy.js';
import type { EventBus } from '../base/event-bus.js';
import type { Logger } from '../base/logger.js';
import type { ConversationStore } from '../conversations/store.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import type { Kernel } from '../kernel/kernel.js';
import type { PermissionEngine } from '../kernel/permissions/permission-engine.js';
import { kernelTools } from '../kernel/tools/tool-set.js';
import type { EventPayload } from '../protocol/events.js';
import { Cell0Error } from '../protocol/errors.js';
import type { MeshSettings } from '../protocol/mesh-entities.js';
import { seal, type Signer } from './envelope.js';
import type { Gatekeeper } from './gatekeeper.js';
import type { PeerDirectory } from './peer-directory.js';
import { HostedJob } from './hosted-job.js';
import { workStartSchema, type WorkStart } from './work-messages.js';
import type { Channel } from './wire.js';

export interface WorkHostDeps {
  signer: () => Signer;
  gatekeeper: Pick<Gatekeeper, 'admit' | 'refuse'>;
  directory: Pick<PeerDirectory, 'get'>;
  audit: Pick<AuditLog, 'append'>;
  bus: EventBus;
  logger: Logger;
  settings: () => MeshSettings;
  /** A model this instance has by that name, else its default one. */
  resolve: (model: string) => Promise<ResolvedModel>;
  conversations: ConversationStore;
  permissions: Pick<PermissionEngine, 'respond'>;
  kernel?: Kernel | undefined;
  /** Tools offered without the kernel (tests). */
  tools?: ToolSet | undefined;
  /** This instance's "pause all agents". */
  gate?: TurnGate | undefined;
  retry?: Partial<RetryPolicy> | undefined;
}

const START_MS = 15_000;

/**
 * The peer's side of a remote worker: a paired instance asks, and if the owner here allows remote
 * work and there is room, the worker runs through this instance's own agent turn, kernel and
 * permission rules, in a conversation of its own here (so the owner of this machine sees what ran
 * on it). Its events go back as they happen.
 */
export class WorkHost {
  private readonly jobs = new Set<HostedJob>();

  constructor(private readonly deps: WorkHostDeps) {}

  running(): number {
    return this.jobs.size;
  }

  stopAll(): void {
    for (const job of this.jobs) job.abort('this instance stopped its mesh');
  }

  readonly handle = async (channel: Channel, remoteKey: string | null): Promise<void> => {
    const envelope = await this.deps.gatekeeper.admit(
      await channel.receive(AbortSignal.timeout(START_MS)),
      remoteKey,
      ['work.start'],
    );
    const peerKey = envelope.from;
    const parsed = workStartSchema.safeParse(envelope.body);
    const refuse = (message: string) =>
      channel.send(seal(this.deps.signer(), peerKey, 'work.refused', { code: 'REMOTE_REFUSED', message }));
    const settings = this.deps.settings();
    const here = settings.name;
    if (!parsed.success) return refuse(`${here} could not read the work it was sent.`);
    if (!settings.allowRemoteWork) return refuse(`Remote work is turned off on ${here}.`);
    if (this.jobs.size >= settings.maxRemoteWorkers) {
      return refuse(`${here} already runs ${this.jobs.size} remote workers, its limit.`);
    }
    let resolved: ResolvedModel;
    try {
      resolved = await this.deps.resolve(parsed.data.model);
    } catch (err) {
      return refuse(
        err instanceof Cell0Error ? `${here}: ${err.message}` : `${here} has no model to run it.`,
      );
    }
    const peerName = this.deps.directory.get(peerKey)?.name ?? 'a paired instance';
    const mirror = await this.mirror(parsed.data, peerName, resolved);
    await this.deps.audit.append({
      actor: `peer:${peerName}`,
      kind: 'mesh.remote',
      tool: 'swarm',
      args: { jobId: parsed.data.jobId, tools: parsed.data.tools },
      outcome: `remote worker from ${peerName} accepted: ${parsed.data.title}`,
      conversationId: mirror.conversationId,
    });
    const job = new HostedJob({
      channel,
      peerKey,
      peerName,
      start: parsed.data,
      mirror,
      signer: this.deps.signer,
      gatekeeper: this.deps.gatekeeper,
      audit: this.deps.audit,
      bus: this.deps.bus,
      permissions: this.deps.permissions,
    });
    this.jobs.add(job);
    try {
      await channel.send(
        seal(this.deps.signer(), peerKey, 'work.accepted', { name: here, model: resolved.model }),
      );
      await job.run((signal, gates, events) =>
        runAgentTurn({
          resolved,
          system: parsed.data.system,
          messages: [{ role: 'user', content: parsed.data.prompt }],
          ...(parsed.data.tools.length > 0
            ? { tools: (turnSignal: AbortSignal) => this.toolsFor(parsed.data, mirror, turnSignal) }
            : {}),
          scope: `${parsed.data.agentId}.${parsed.data.attempt}`,
          signal,
          gates: [...gates, ...(this.deps.gate ? [this.deps.gate] : [])],
          steps: parsed.data.steps,
          meter: events.meter,
          ...(this.deps.retry ? { retry: this.deps.retry } : {}),
          logger: this.deps.logger,
          events: events.turn,
        }),
      );
    } finally {
      this.jobs.delete(job);
      await this.finishMirror(job, mirror);
    }
  };

  private toolsFor(
    start: WorkStart,
    mirror: { conversationId: string; messageId: string },
    signal: AbortSignal,
  ): ToolSet | undefined {
    const base = this.deps.tools
      ? this.deps.tools
      : this.deps.kernel
        ? kernelTools(this.deps.kernel, { ...mirror, signal })
        : undefined;
    if (!base) return undefined;
    const allowed = new Set<string>(start.tools);
    const tools: ToolSet = {};
    for (const [name, t] of Object.entries(base)) if (allowed.has(name) || this.deps.tools) tools[name] = t;
    return Object.keys(tools).length > 0 ? tools : undefined;
  }

  /** Where the worker shows on this machine: a conversation per remote run, a reply per worker. */
  private readonly mirrors = new Map<string, string>();

  private async mirror(
    start: WorkStart,
    peerName: string,
    resolved: ResolvedModel,
  ): Promise<{ conversationId: string; messageId: string }> {
    const { conversations, bus } = this.deps;
    let conversationId = this.mirrors.get(start.runId);
    if (!conversationId) {
      const title = `From ${peerName}: ${start.task.trim().split('\n')[0]!.slice(0, 60)}`;
      conversationId = (await conversations.create(title)).id;
      this.mirrors.set(start.runId, conversationId);
    }
    const exchange = await conversations.appendExchange(
      conversationId,
      `Remote worker for ${peerName}: ${start.title}\n\n${start.prompt}`,
      start.jobId,
      { providerId: resolved.provider.id, model: resolved.model },
    );
    bus.emit('message.created', { message: exchange.userMessage });
    bus.emit('message.created', { message: exchange.assistantMessage });
    bus.emit('conversation.updated', { conversation: await conversations.get(conversationId) });
    return { conversationId, messageId: exchange.assistantMessage.id };
  }

  private async finishMirror(job: HostedJob, mirror: { conversationId: string; messageId: string }) {
    const { conversations, bus } = this.deps;
    try {
      const outcome = job.outcome;
      await conversations.updateReply(
        mirror.messageId,
        outcome.text,
        outcome.status === 'complete' ? 'complete' : outcome.status === 'stopped' ? 'stopped' : 'error',
        outcome.error,
        null,
      );
      bus.emit('message.updated', { message: await conversations.message(mirror.messageId) });
    } catch (err) {
      this.deps.logger.warn('mesh: the remote worker could not be recorded here', err);
    }
  }
}

export type PermissionRequestedPayload = EventPayload<'permission.requested'>;
