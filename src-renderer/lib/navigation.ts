import type { EventPayload } from '../../src-main/core/protocol/index.js';

export type NavigateTarget = EventPayload<'ui.navigate'>;

/** Where the message list should scroll once it shows `conversationId`; `seq` tells requests apart. */
export interface ScrollTarget {
  conversationId: string;
  index: number;
  /** The permission card to focus once its row is on screen. */
  requestId: string | null;
  seq: number;
}

/** The message to show: the one named, else the reply the permission request belongs to. */
export function targetMessageId(
  target: NavigateTarget,
  requestMessageId: (requestId: string) => string | undefined,
): string | null {
  if (target.messageId) return target.messageId;
  if (target.permissionRequestId) return requestMessageId(target.permissionRequestId) ?? null;
  return null;
}

export interface MessagePage {
  total: number;
  messages: readonly { id: string; index: number }[];
}

export interface MessageLocator {
  total: number;
  pageSize: number;
  /** How many pages to read before giving up: a very old message is not worth a full scan. */
  maxPages: number;
  /** The index of an already loaded message. */
  known(id: string): number | undefined;
  /** Whether the row at index is loaded (fully loaded pages are not fetched again). */
  has(index: number): boolean;
  fetchPage(offset: number, limit: number): Promise<MessagePage>;
}

/**
 * A message's index, from the loaded rows or else by reading pages backwards from the latest:
 * notifications and the tray point at recent messages, so the first page read is usually the one.
 * Null when it is not within maxPages (or not in this conversation).
 */
export async function locateMessage(id: string, locator: MessageLocator): Promise<number | null> {
  const known = locator.known(id);
  if (known !== undefined) return known;
  let end = locator.total;
  for (let pages = 0; end > 0 && pages < locator.maxPages; pages++) {
    const offset = Math.max(0, end - locator.pageSize);
    if (!allLoaded(locator, offset, end)) {
      const page = await locator.fetchPage(offset, end - offset);
      const hit = page.messages.find((m) => m.id === id);
      if (hit) return hit.index;
    }
    end = offset;
  }
  return null;
}

function allLoaded(locator: MessageLocator, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!locator.has(i)) return false;
  return true;
}
