import type { Handlers } from '../../protocol/router.js';
import type { DeviceService } from './device-service.js';

type DeviceHandlers = Pick<
  Handlers,
  'devices.pair' | 'devices.claim' | 'devices.list' | 'devices.approve' | 'devices.revoke'
>;

export function deviceHandlers({ devices }: { devices: DeviceService }): DeviceHandlers {
  return {
    'devices.pair': ({ name, publicKey, scope }) => devices.pair(name, publicKey, scope),
    'devices.claim': ({ deviceId, signature }) => devices.claim(deviceId, signature),
    'devices.list': async () => ({ devices: await devices.list() }),
    'devices.approve': ({ code }) => devices.approve(code),
    'devices.revoke': ({ id }) => devices.revoke(id),
  };
}
