import type { Handlers } from '../../protocol/router.js';
import type { ChannelService } from './channel-service.js';

type ChannelHandlers = Pick<
  Handlers,
  | 'channels.list'
  | 'channels.add'
  | 'channels.update'
  | 'channels.remove'
  | 'channels.reconnect'
  | 'channels.approve'
  | 'channels.reject'
  | 'channels.removeSender'
>;

export function channelHandlers({ channels }: { channels: ChannelService }): ChannelHandlers {
  return {
    'channels.list': () => channels.list(),
    'channels.add': (p) => channels.add(p),
    'channels.update': ({ id, ...patch }) => channels.update(id, patch),
    'channels.remove': async ({ id }) => ({ removed: await channels.remove(id) }),
    'channels.reconnect': ({ id }) => channels.reconnect(id),
    'channels.approve': ({ code }) => channels.approve(code),
    'channels.reject': async ({ code }) => ({ rejected: await channels.reject(code) }),
    'channels.removeSender': ({ id, senderId }) => channels.removeSender(id, senderId),
  };
}
