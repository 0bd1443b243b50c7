import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '../../base/logger.js';
import type { Channel, ChannelStatus, Pairing } from '../../protocol/channel-entities.js';
import { CHANGED_FILE } from './channel-admin.js';
import type { ChannelRecord, PairingRecord } from './channel-store.js';

/** Calls `onChange` when `cell0 channels` touches its file in the data directory; null when it cannot watch. */
export function watchChanges(dataDir: string, onChange: () => void, logger: Logger): FSWatcher | null {
  try {
    const watcher = watch(dataDir, (_event, file) => {
      if (file === CHANGED_FILE) onChange();
    });
    watcher.on('error', (err) => logger.warn('stopped watching for channel changes', err));
    return watcher;
  } catch (err) {
    logger.warn('cannot watch for `cell0 channels` changes', err);
    return null;
  }
}

/** A stored channel as the protocol shows it: settings, senders and its live status; never its token. */
export function channelEntity(r: ChannelRecord, status: ChannelStatus): Channel {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    senders: r.senders,
    groups: r.config.groups,
    dmApprovals: r.config.dmApprovals,
    ratePerMinute: r.config.ratePerMinute,
    apiRoot: r.config.apiRoot,
    hasToken: r.config.hasToken,
    createdAt: r.createdAt,
    status,
  };
}

export function pairingEntity(p: PairingRecord, record: ChannelRecord | undefined): Pairing {
  return {
    code: p.code,
    channelId: p.channelId,
    channelName: record?.name ?? '',
    kind: record?.kind ?? 'telegram',
    senderId: p.senderId,
    senderName: p.senderName,
    asOwner: !record?.senders.some((s) => s.role === 'owner'),
    createdAt: p.createdAt,
    expiresAt: p.expiresAt,
  };
}
