import { randomBytes } from 'node:crypto';
import type { EventBus } from '../../base/event-bus.js';
import type { Logger } from '../../base/logger.js';
import type { ChannelChat, ChannelKind } from '../../protocol/channel-entities.js';
import type { EventPayload } from '../../protocol/events.js';
import { isCell0Error } from '../../protocol/errors.js';
import type { PermissionRequest } from '../../protocol/kernel-entities.js';
import { allowableAtAGlance } from '../../kernel/permissions/at-a-glance.js';
import type { ButtonPress, ChannelAccount, ChannelAdapter } from './adapter.js';
import { loadMarkdown } from './markdown.js';
import type { ChannelRecord } from './channel-store.js';
import type { Outbox } from './outbox.js';

export interface OwnerApprovalsDeps {
  bus: EventBus;
  outbox: Outbox;
  logger: Logger;
  chatOf(conversationId: string): ChannelChat | null;
  channel(id: string): ChannelRecord | null;
  adapter(kind: ChannelKind): ChannelAdapter;
  account(channelId: string): ChannelAccount | null;
  /** The owner's answer, given to the permission engine exactly as the window's card gives it. */
  answer(requestId: string, decision: 'allow-once' | 'deny'): Promise<void>;
}

interface Offer {
  requestId: string;
  channelId: string;
  ownerId: string;
  text: string;
  /** Offered with "Allow once" (the tray's rule); otherwise only Deny, and allowing is for the card. */
  allowOnce: boolean;
}

/** Button data: `p:<nonce>:a|d`; the nonce is unguessable and names one offer, so data cannot be forged. */
const PRESS = /^p:([\w-]{12}):([ad])$/;

/**
 * Approvals never go to chat users. A tool call from a channel conversation asks the owner in the
 * window (the permission card, the tray, a notification) like any other; only when the owner turned
 * it on for that channel is it also offered in the owner's own DM with Allow/Deny buttons, and a
 * press counts only when the platform says the presser is the channel's owner. Text a chat user
 * sends is never read as an answer: it only ever reaches the agent as a message.
 */
export class OwnerApprovals {
  private readonly offers = new Map<string, Offer>();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly deps: OwnerApprovalsDeps) {}

  start(): void {
    this.unsubscribe = this.deps.bus.subscribe((frame) => {
      if (frame.event === 'permission.requested') {
        const { request } = frame.payload as EventPayload<'permission.requested'>;
        this.offer(request).catch((err: unknown) =>
          this.deps.logger.warn('could not offer an approval by DM', err),
        );
      } else if (frame.event === 'permission.resolved') {
        const { requestId } = frame.payload as EventPayload<'permission.resolved'>;
        for (const [nonce, offer] of this.offers)
          if (offer.requestId === requestId) this.offers.delete(nonce);
      }
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.offers.clear();
  }

  private async offer(request: PermissionRequest): Promise<void> {
    const chat = this.deps.chatOf(request.conversationId);
    if (!chat) return;
    const channel = this.deps.channel(chat.channelId);
    if (!channel?.config.dmApprovals) return;
    const adapter = this.deps.adapter(channel.kind);
    const owner = channel.senders.find((s) => s.role === 'owner');
    const account = this.deps.account(channel.id);
    if (!adapter.buttons || !owner || !account) return;
    const ownerChat = await account.ownerChat(owner.id);
    if (!ownerChat) return;
    const nonce = randomBytes(9).toString('base64url');
    // The tray's rule: "Allow once" away from the card only when the line shown is all it approves.
    const allowOnce = allowableAtAGlance(request);
    const lines = [
      `**Cell 0 asks your permission** (${chat.title}):`,
      '```',
      `${request.tool}: ${request.display}`,
      '```',
      ...(request.reason ? [`The agent’s reason (its words, not yours): ${request.reason}`] : []),
      ...(request.risks.length > 0 ? [`Look closely: ${request.risks.join(', ')}`] : []),
      request.network ? 'It asks for network access.' : '',
      allowOnce
        ? 'Wider grants are in the Cell 0 window.'
        : 'To allow it, open its card in the Cell 0 window: it runs outside the sandbox, writes content not shown here, or is more than one short line.',
    ].filter(Boolean);
    await loadMarkdown();
    const text = adapter.format(lines.join('\n\n'));
    this.offers.set(nonce, {
      requestId: request.id,
      channelId: channel.id,
      ownerId: owner.id,
      text: `Cell 0 asked your permission (${chat.title}): ${request.tool}: ${request.display}`,
      allowOnce,
    });
    await this.deps.outbox.send(channel.id, ownerChat, `perm:${request.id}`, {
      text,
      buttons: [
        ...(allowOnce ? [{ label: 'Allow once', data: `p:${nonce}:a`, style: 'primary' as const }] : []),
        { label: 'Deny', data: `p:${nonce}:d`, style: 'danger' },
      ],
    });
  }

  /** A button press from a channel: answers the permission only for the channel's owner. */
  async press(channelId: string, press: ButtonPress): Promise<void> {
    const match = PRESS.exec(press.data);
    const offer = match ? this.offers.get(match[1]!) : undefined;
    const answer = (toast: string, replace?: string) =>
      press
        .answer({ toast, ...(replace ? { replace } : {}) })
        .catch((err: unknown) => this.deps.logger.warn('could not answer a button press', err));
    if (!match || !offer || offer.channelId !== channelId) {
      await answer('This request is no longer waiting.');
      return;
    }
    const owner = this.deps.channel(channelId)?.senders.find((s) => s.role === 'owner');
    if (!owner || owner.id !== press.senderId || offer.ownerId !== press.senderId) {
      this.deps.logger.warn(
        `channel ${channelId}: ${press.senderId} pressed an approval button but is not the owner`,
      );
      await answer('Only the owner of this Cell 0 can answer.');
      return;
    }
    const decision = match[2] === 'a' ? 'allow-once' : 'deny';
    if (decision === 'allow-once' && !offer.allowOnce) {
      // No such button was offered: a press made up by a client. The request stays waiting.
      await answer('Allow this one in the Cell 0 window.');
      return;
    }
    this.offers.delete(match[1]!);
    try {
      await this.deps.answer(offer.requestId, decision);
      const said = decision === 'allow-once' ? 'Allowed once.' : 'Denied.';
      await answer(said, `${offer.text}\n\n${said}`);
    } catch (err) {
      if (isCell0Error(err) && err.code === 'NOT_FOUND')
        await answer('It was already answered (or withdrawn).');
      else {
        this.deps.logger.warn('an approval from a DM could not be recorded', err);
        await answer('Cell 0 could not record the answer; answer in the window.');
      }
    }
  }
}
