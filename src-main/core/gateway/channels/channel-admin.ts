import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Keychain } from '../../identity/keychain.js';
import type { ChannelKind } from '../../protocol/channel-entities.js';
import { Cell0Error } from '../../protocol/errors.js';
import {
  DEFAULT_CHANNEL_CONFIG,
  type ChannelRecord,
  type ChannelStore,
  type PairingRecord,
} from './channel-store.js';
import { sessionKeyAccount, tokenAccount } from './session-vault.js';

/**
 * What the window (through the service) and `cell0 channels` (in its own process) both do to the
 * channel store. The CLI then touches CHANGED_FILE, which a running app watches and reloads.
 */
export const CHANGED_FILE = 'channels.changed';

export async function announceChange(dataDir: string): Promise<void> {
  await writeFile(join(dataDir, CHANGED_FILE), `${Date.now()}\n`);
}

export interface AddChannel {
  kind: ChannelKind;
  name?: string | undefined;
  token?: string | undefined;
  apiRoot?: string | undefined;
  /** False while the CLI links a WhatsApp account itself. */
  enabled?: boolean;
}

async function freeName(store: ChannelStore, kind: ChannelKind, wanted: string | undefined): Promise<string> {
  const taken = new Set((await store.channels()).map((c) => c.name));
  if (wanted) {
    if (taken.has(wanted)) {
      throw new Cell0Error(
        'CHANNEL_EXISTS',
        `A channel named “${wanted}” exists already. Pick another name or remove it first.`,
      );
    }
    return wanted;
  }
  if (!taken.has(kind)) return kind;
  for (let n = 2; ; n++) if (!taken.has(`${kind}-${n}`)) return `${kind}-${n}`;
}

export async function addChannel(
  store: ChannelStore,
  keychain: Keychain,
  params: AddChannel,
  now = Date.now(),
): Promise<ChannelRecord> {
  if (params.kind !== 'whatsapp' && !params.token) {
    throw new Cell0Error(
      'BAD_PARAMS',
      `A ${params.kind === 'telegram' ? 'Telegram' : 'Discord'} channel needs its bot token.`,
    );
  }
  if (params.kind === 'whatsapp' && params.token) {
    throw new Cell0Error('BAD_PARAMS', 'WhatsApp takes no token: it is linked with a QR code.');
  }
  const id = randomUUID();
  const name = await freeName(store, params.kind, params.name);
  // The token first: a channel row never points at a secret that was not stored.
  if (params.token) await keychain.set(tokenAccount(id), params.token);
  const config = {
    ...DEFAULT_CHANNEL_CONFIG,
    apiRoot: params.apiRoot ?? null,
    hasToken: Boolean(params.token),
    enabled: params.enabled ?? true,
  };
  try {
    await store.insertChannel({ id, name, kind: params.kind, config, createdAt: now });
  } catch (err) {
    if (params.token) await keychain.delete(tokenAccount(id)).catch(() => undefined);
    throw err;
  }
  return { id, name, kind: params.kind, config, senders: [], createdAt: now };
}

export async function findChannel(store: ChannelStore, idOrName: string): Promise<ChannelRecord> {
  const found = (await store.channels()).find((c) => c.id === idOrName || c.name === idOrName);
  if (!found) {
    throw new Cell0Error(
      'NOT_FOUND',
      `There is no channel “${idOrName}”. \`cell0 channels list\` shows them.`,
    );
  }
  return found;
}

/** Removes the channel, its secrets and its session; its conversations stay (the owner deletes them). */
export async function removeChannel(store: ChannelStore, keychain: Keychain, id: string): Promise<boolean> {
  const removed = await store.deleteChannel(id);
  await keychain.delete(tokenAccount(id)).catch(() => undefined);
  await keychain.delete(sessionKeyAccount(id)).catch(() => undefined);
  return removed;
}

export interface Approval {
  channel: ChannelRecord;
  pairing: PairingRecord;
  role: 'owner' | 'allowed';
}

/** The owner approves a pairing code: the first approved sender of a channel becomes its owner. */
export async function approvePairing(store: ChannelStore, code: string, now = Date.now()): Promise<Approval> {
  const pairing = await store.takePairing(code, now);
  if (!pairing) {
    throw new Cell0Error(
      'NOT_FOUND',
      'No pairing code like that is waiting (it may have expired after an hour). Ask the sender to write again for a new one.',
    );
  }
  const channel = await store.channel(pairing.channelId);
  if (!channel) throw new Cell0Error('NOT_FOUND', 'That pairing code’s channel was removed.');
  const role = channel.senders.some((s) => s.role === 'owner') ? 'allowed' : 'owner';
  await store.setSender(channel.id, { id: pairing.senderId, name: pairing.senderName, role }, now);
  return { channel: (await store.channel(channel.id))!, pairing, role };
}

export async function rejectPairing(store: ChannelStore, code: string, now = Date.now()): Promise<boolean> {
  return (await store.takePairing(code, now)) !== null;
}
