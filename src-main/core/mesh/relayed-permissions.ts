import { randomUUID } from 'node:crypto';
import type { EventBus } from '../base/event-bus.js';
import { Cell0Error } from '../protocol/errors.js';
import {
  permissionRequestSchema,
  type PermissionDecision,
  type PermissionRequest,
} from '../protocol/kernel-entities.js';
import { RELAYABLE_DECISIONS } from './work-messages.js';

interface Relayed {
  request: PermissionRequest;
  remoteId: string;
  jobId: string;
  answer: (remoteId: string, decision: (typeof RELAYABLE_DECISIONS)[number]) => Promise<void>;
}

/**
 * Permission requests of remote workers, shown in the window that started their swarm: each gets
 * a card here like a local one (in the swarm's conversation, marked with the machine), and the
 * owner's answer goes back signed by this instance. The peer's own kernel waits for it and
 * decides; a card clears when the peer says the request was resolved.
 */
export class RelayedPermissions {
  private readonly byId = new Map<string, Relayed>();

  constructor(private readonly bus: EventBus) {}

  pending(): PermissionRequest[] {
    return [...this.byId.values()].map((r) => r.request);
  }

  has(requestId: string): boolean {
    return this.byId.has(requestId);
  }

  /** A remote worker's request (untrusted: parsed, and shown only as what it is). */
  add(
    remote: unknown,
    where: { conversationId: string; messageId: string; machine: string; jobId: string },
    answer: Relayed['answer'],
  ): { requestId: string; toolCallId: string; display: string } | null {
    const parsed = permissionRequestSchema.safeParse(remote);
    if (!parsed.success) return null;
    const request: PermissionRequest = {
      ...parsed.data,
      id: randomUUID(),
      conversationId: where.conversationId,
      messageId: where.messageId,
      machine: where.machine,
    };
    this.byId.set(request.id, { request, remoteId: parsed.data.id, jobId: where.jobId, answer });
    this.bus.emit('permission.requested', { request });
    return { requestId: request.id, toolCallId: request.toolCallId, display: request.display };
  }

  /** The peer resolved it (our answer, its owner's, or the call was withdrawn). */
  resolved(jobId: string, remoteId: string, decision: string): void {
    for (const [id, r] of this.byId) {
      if (r.jobId !== jobId || r.remoteId !== remoteId) continue;
      this.byId.delete(id);
      const known = [...RELAYABLE_DECISIONS, 'allow-conversation', 'allow-always', 'cancelled'] as const;
      const d = (known as readonly string[]).includes(decision)
        ? (decision as (typeof known)[number])
        : 'cancelled';
      this.bus.emit('permission.resolved', { requestId: id, decision: d });
    }
  }

  /** The job ended (or its peer vanished): its cards are withdrawn. */
  cancelJob(jobId: string): void {
    for (const [id, r] of this.byId) {
      if (r.jobId !== jobId) continue;
      this.byId.delete(id);
      this.bus.emit('permission.resolved', { requestId: id, decision: 'cancelled' });
    }
  }

  /** The owner's answer to a relayed card; wider scopes are made on the machine itself. */
  async respond(requestId: string, decision: PermissionDecision): Promise<void> {
    const r = this.byId.get(requestId);
    if (!r) throw new Cell0Error('NOT_FOUND', 'This permission request is no longer waiting.');
    if (!(RELAYABLE_DECISIONS as readonly string[]).includes(decision)) {
      throw new Cell0Error(
        'BAD_PARAMS',
        `This call runs on ${r.request.machine ?? 'another machine'}: allow it once or for this worker here; a standing rule is made on that machine.`,
      );
    }
    await r.answer(r.remoteId, decision as (typeof RELAYABLE_DECISIONS)[number]);
  }
}
