import type { DeviceScope } from '../../protocol/device-entities.js';

/** The last part of a method that only reads ("conversations.list", "messages.page"). */
const READ_VERBS = new Set([
  'list',
  'get',
  'page',
  'status',
  'info',
  'pending',
  'runs',
  'search',
  'settings',
  'hello',
]);

/** What a chat device may do besides reading: talk in conversations, not configure anything. */
const CHAT_METHODS = new Set([
  'chat.send',
  'chat.stop',
  'conversations.create',
  'conversations.rename',
  'conversations.setModel',
]);

/** Kept for the owner's own window and the `cell0` command, whatever a device's scope. */
const OWNER_ONLY = /^devices\.(list|approve|revoke)$/;

/** Whether a paired device with this scope may call the method. Pure, so it is tested on its own. */
export function scopeAllows(scope: DeviceScope, method: string): boolean {
  if (method === 'session.hello' || method === 'devices.pair' || method === 'devices.claim') return true;
  if (OWNER_ONLY.test(method)) return false;
  if (scope === 'full') return true;
  const verb = method.slice(method.lastIndexOf('.') + 1);
  if (READ_VERBS.has(verb)) return true;
  return scope === 'chat' && CHAT_METHODS.has(method);
}
