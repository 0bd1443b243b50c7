import { client } from '../../app/client-instance.js';
import type { Client } from '../../lib/client.js';
import { useChannels } from '../../stores/channels.js';

export async function refetchChannels(): Promise<void> {
  useChannels.getState().setAll(await client().call('channels.list', {}));
}

/** The channel events, kept here so app/sync.ts only spreads them in. */
export function channelListeners(c: Client): (() => void)[] {
  const store = () => useChannels.getState();
  return [
    c.on('channels.updated', ({ channel }) => store().upsert(channel)),
    c.on('channels.removed', ({ id }) => store().remove(id)),
    c.on('channels.status', ({ channelId, status }) => store().status(channelId, status)),
    c.on('channels.chat', ({ chat }) => store().chat(chat)),
    c.on('channels.pairing', ({ pairing }) => store().pairing(pairing)),
    c.on('channels.pairingResolved', ({ code }) => store().pairingResolved(code)),
  ];
}
