import type { TurnEvents, TurnGate, TurnMeter, TurnResult } from '../agents/agent-turn.js';
import type { EventBus } from '../base/event-bus.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import type { PermissionEngine } from '../kernel/permissions/permission-engine.js';
import type { EventPayload } from '../protocol/events.js';
import type { ErrorShape } from '../protocol/errors.js';
import type { EventFrame } from '../protocol/frames.js';
import { seal, type Signer } from './envelope.js';
import type { Gatekeeper } from './gatekeeper.js';
import { TO_WORKER, workAnswerSchema, type WorkStart } from './work-messages.js';
import type { Channel } from './wire.js';

const TEXT_BATCH_MS = 30;

export interface HostedJobSpec {
  channel: Channel;
  peerKey: string;
  peerName: string;
  start: WorkStart;
  mirror: { conversationId: string; messageId: string };
  signer: () => Signer;
  gatekeeper: Pick<Gatekeeper, 'admit' | 'refuse'>;
  audit: Pick<AuditLog, 'append'>;
  bus: EventBus;
  permissions: Pick<PermissionEngine, 'respond'>;
}

type TurnFn = (
  signal: AbortSignal,
  gates: TurnGate[],
  events: { turn: TurnEvents; meter: TurnMeter },
) => Promise<TurnResult>;

/**
 * One remote worker running here: its turn's events go to the instance that asked, in order (text
 * batched), and what that instance sends back is let in only through the gatekeeper: "go" before
 * each model call (its swarm's pause), "stop", and the owner's signed answer to a permission
 * request this job raised — never to any other request, and never wider than this one turn.
 */
export class HostedJob {
  private readonly controller = new AbortController();
  private sending: Promise<void> = Promise.resolve();
  private text = '';
  private textTimer: NodeJS.Timeout | null = null;
  private gateSeq = 0;
  private readonly gateWaiters = new Map<number, () => void>();
  /** Permission requests this job raised that still wait, by id. */
  private readonly asked = new Set<string>();
  outcome: { text: string; status: TurnResult['status']; error: ErrorShape | null } = {
    text: '',
    status: 'stopped',
    error: null,
  };

  constructor(private readonly spec: HostedJobSpec) {}

  abort(reason: string): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  async run(turn: TurnFn): Promise<void> {
    const unsubscribe = this.spec.bus.subscribe((frame) => this.onBus(frame));
    const reading = this.read();
    try {
      const result = await turn(this.controller.signal, [this.gate], {
        turn: this.events,
        meter: this.meter,
      });
      this.outcome = { text: result.text, status: result.status, error: result.error?.toShape() ?? null };
      this.flushText();
      if (result.status === 'complete') this.send('work.done', { text: result.text });
      else
        this.send('work.failed', {
          error: result.error?.toShape() ?? { code: 'AGENT_FAILED', message: 'Stopped.' },
        });
      await this.sending;
      await this.spec.channel.close();
    } finally {
      unsubscribe();
      this.abort('ended');
      await reading;
    }
  }

  private readonly gate: TurnGate = {
    wait: (signal) =>
      new Promise<void>((resolve) => {
        if (signal.aborted) return resolve();
        const seq = ++this.gateSeq;
        const done = () => {
          this.gateWaiters.delete(seq);
          signal.removeEventListener('abort', done);
          resolve();
        };
        this.gateWaiters.set(seq, done);
        signal.addEventListener('abort', done, { once: true });
        this.send('work.gate', { seq });
      }),
  };

  private readonly events: TurnEvents = {
    modelCall: () => this.send('work.model', null),
    text: (delta) => {
      this.text += delta;
      this.textTimer ??= setTimeout(() => this.flushText(), TEXT_BATCH_MS);
    },
    toolCall: (call) => this.send('work.toolCall', call),
    retrying: ({ attempt, maxAttempts, waitMs, error }) =>
      this.send('work.retrying', { attempt, maxAttempts, waitMs, error: error.toShape() }),
  };

  /** The swarm's budget is kept there: usage goes back, and that side stops the job when it is spent. */
  private readonly meter: TurnMeter = {
    step: (usage) => {
      this.send('work.usage', usage);
      return null;
    },
  };

  private flushText(): void {
    if (this.textTimer) clearTimeout(this.textTimer);
    this.textTimer = null;
    if (!this.text) return;
    const text = this.text;
    this.text = '';
    this.queue('work.text', { text });
  }

  private send(type: string, body: unknown): void {
    this.flushText();
    this.queue(type, body);
  }

  private queue(type: string, body: unknown): void {
    const envelope = seal(this.spec.signer(), this.spec.peerKey, type, body);
    this.sending = this.sending
      .then(() => this.spec.channel.send(envelope))
      .catch(() => this.abort('the instance that asked went away'));
  }

  private onBus(frame: EventFrame): void {
    const { messageId } = this.spec.mirror;
    if (frame.event === 'permission.requested') {
      const { request } = frame.payload as EventPayload<'permission.requested'>;
      if (request.messageId !== messageId) return;
      this.asked.add(request.id);
      this.send('work.permission', { request });
    } else if (frame.event === 'permission.resolved') {
      const { requestId, decision } = frame.payload as EventPayload<'permission.resolved'>;
      if (!this.asked.delete(requestId)) return;
      this.send('work.permissionResolved', { requestId, decision });
    } else if (frame.event === 'tool.updated') {
      const { toolCall } = frame.payload as EventPayload<'tool.updated'>;
      if (toolCall.messageId === messageId)
        this.send('work.tool', { toolCallId: toolCall.id, status: toolCall.status });
    }
  }

  /** What the asking instance sends while the job runs; its going away stops the job. */
  private async read(): Promise<void> {
    const { channel, gatekeeper, peerKey } = this.spec;
    try {
      for (;;) {
        const raw = await channel.receive(this.controller.signal);
        if (raw === null) break;
        let envelope;
        try {
          envelope = await gatekeeper.admit(raw, peerKey, TO_WORKER);
        } catch {
          continue;
        }
        const body = envelope.body as Record<string, unknown> | null;
        if (envelope.type === 'work.go') this.gateWaiters.get(Number(body?.seq))?.();
        else if (envelope.type === 'work.stop') this.abort('stopped by the swarm');
        else if (envelope.type === 'work.answer') await this.answer(body);
      }
    } catch {
      // The stream ended under us: the link is gone or the job is over.
    }
    this.abort('the instance that asked went away');
  }

  private async answer(body: unknown): Promise<void> {
    const parsed = workAnswerSchema.safeParse(body);
    const { peerKey, peerName, gatekeeper } = this.spec;
    if (!parsed.success) {
      await gatekeeper
        .refuse(peerKey, 'work.answer', 'a permission answer wider than one call or turn')
        .catch(() => undefined);
      return;
    }
    const { requestId, decision } = parsed.data;
    if (!this.asked.has(requestId)) {
      await gatekeeper
        .refuse(peerKey, 'work.answer', 'an answer to a permission request this job did not raise')
        .catch(() => undefined);
      return;
    }
    await this.spec.audit.append({
      actor: `peer:${peerName}`,
      kind: 'mesh.remote',
      tool: null,
      args: { requestId, decision },
      outcome: `the owner's answer from ${peerName}, signed by its pinned key: ${decision}`,
      conversationId: this.spec.mirror.conversationId,
    });
    await this.spec.permissions.respond(requestId, decision).catch(() => undefined);
  }
}
