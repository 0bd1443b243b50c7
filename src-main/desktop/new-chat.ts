import { DEFAULT_TITLE } from '../core/conversations/store.js';
import type { LocalClient } from '../core/gateway/local-client.js';
import type { Conversation } from '../core/protocol/entities.js';

/**
 * The tray's "New chat", by the window's rule (Ctrl+N, the sidebar button): an empty new chat —
 * nothing said in it, the title it was born with — is opened again rather than made twice. The
 * tray cannot see which chat the window shows, so it takes the most recent empty one.
 */
export async function openNewChat(client: LocalClient): Promise<Conversation> {
  const { conversations } = await client.call('conversations.list');
  const empty = conversations.find((c) => c.messageCount === 0 && c.title === DEFAULT_TITLE);
  return empty ?? client.call('conversations.create', {});
}
