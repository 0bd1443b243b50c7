import type { ReactElement } from 'react';
import { usePermissions } from '../../stores/permissions.js';
import { selectMessageToolIds, useToolCalls } from '../../stores/tool-calls.js';
import { PermissionCard } from '../permissions/PermissionCard.js';
import { ToolCard } from './ToolCard.js';

/**
 * The tool calls of one reply, in call order, each with its permission card just above it; a
 * request whose call has not been reported yet comes last. All are siblings of one list, so a card
 * keeps its state and focus when its call is reported after it.
 */
export function ReplyToolActivity({ messageId }: { messageId: string }) {
  const toolIds = useToolCalls(selectMessageToolIds(messageId));
  // Requests are few and change rarely: reading the whole map costs less than a memoised selector.
  const permissions = usePermissions((s) => s.byId);
  const requests = Object.values(permissions)
    .map((e) => e.request)
    .filter((r) => r.messageId === messageId)
    .sort((a, b) => a.createdAt - b.createdAt);
  if (toolIds.length === 0 && requests.length === 0) return null;

  const items: ReactElement[] = [];
  for (const id of toolIds) {
    for (const r of requests) {
      if (r.toolCallId === id) items.push(<PermissionCard key={`p:${r.id}`} requestId={r.id} />);
    }
    items.push(<ToolCard key={`t:${id}`} toolCallId={id} />);
  }
  for (const r of requests) {
    if (!toolIds.includes(r.toolCallId)) items.push(<PermissionCard key={`p:${r.id}`} requestId={r.id} />);
  }
  return <div className="reply-tools">{items}</div>;
}
