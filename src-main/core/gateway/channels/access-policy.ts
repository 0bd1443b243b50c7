import { randomInt } from 'node:crypto';
import type { ChannelSender } from '../../protocol/channel-entities.js';
import type { InboundMessage } from './adapter.js';
import type { ChannelConfig } from './channel-store.js';

/**
 * Who may talk to the agent, as pure functions of the message and the channel's lists: the owner
 * and the senders the owner approved; an unknown sender in a direct chat gets a pairing code and
 * nothing else; groups only on mention, and never from strangers.
 */
export type Access =
  | { kind: 'route'; role: 'owner' | 'allowed' }
  | { kind: 'pair' }
  | { kind: 'ignore'; why: 'group-off' | 'not-mentioned' | 'stranger-in-group' };

export function access(
  message: Pick<InboundMessage, 'chat' | 'sender' | 'mentioned' | 'fromSelf'>,
  senders: readonly ChannelSender[],
  config: Pick<ChannelConfig, 'groups'>,
): Access {
  const known = senders.find((s) => s.id === message.sender.id);
  const role = message.fromSelf ? 'owner' : known?.role;
  if (message.chat.type === 'group') {
    if (config.groups === 'off') return { kind: 'ignore', why: 'group-off' };
    if (!message.mentioned) return { kind: 'ignore', why: 'not-mentioned' };
    // A pairing code posted in a group would be read by everyone there: strangers are only paired in private.
    if (!role) return { kind: 'ignore', why: 'stranger-in-group' };
    return { kind: 'route', role };
  }
  return role ? { kind: 'route', role } : { kind: 'pair' };
}

/** Letters and digits a person cannot misread (no 0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A one-time pairing code, 8 characters shown as XXXX-XXXX. */
export function newPairingCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

export function showCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * Messages per sender in a sliding minute. `hit` answers whether this one may go on and, for the
 * first refused one in a burst, that the sender should be told once.
 */
export class SenderRateLimit {
  private readonly seen = new Map<string, { times: number[]; told: boolean }>();

  constructor(private readonly windowMs = 60_000) {}

  hit(key: string, perWindow: number, now: number): { allowed: boolean; tell: boolean } {
    const entry = this.seen.get(key) ?? { times: [], told: false };
    entry.times = entry.times.filter((t) => now - t < this.windowMs);
    this.seen.set(key, entry);
    if (entry.times.length < perWindow) {
      entry.times.push(now);
      entry.told = false;
      return { allowed: true, tell: false };
    }
    const tell = !entry.told;
    entry.told = true;
    return { allowed: false, tell };
  }
}
