import type { AutomationRun } from '../core/protocol/automation-entities.js';
import type { Message } from '../core/protocol/entities.js';
import type { PermissionRequest } from '../core/protocol/kernel-entities.js';
import type { SwarmProposal } from '../core/protocol/swarm-entities.js';
import { shorten } from '../core/base/shorten.js';

/** Where a click on a notification or a tray item takes the window (the `ui.navigate` payload). */
export interface NavigateTarget {
  conversationId: string;
  messageId: string | null;
  permissionRequestId: string | null;
}

export interface Notice {
  title: string;
  body: string;
  target: NavigateTarget;
}

/** Replies shorter than this were watched finish, or barely waited for: no notification. */
export const LONG_RUN_MS = 30_000;
const BODY_CHARS = 140;

export function permissionNotice(request: PermissionRequest): Notice {
  return {
    title: 'Cell 0 needs your permission',
    body: shorten(`${request.tool}: ${request.display}`, BODY_CHARS),
    target: {
      conversationId: request.conversationId,
      messageId: request.messageId,
      permissionRequestId: request.id,
    },
  };
}

/** An agent asks to run a task as a swarm: it waits for the owner, like a permission request. */
export function proposalNotice(proposal: SwarmProposal): Notice {
  return {
    title: 'An agent proposes a swarm',
    body: shorten(proposal.task, BODY_CHARS),
    target: {
      conversationId: proposal.conversationId,
      messageId: proposal.messageId,
      permissionRequestId: null,
    },
  };
}

/**
 * The notice for a reply that reached its end, or null when none is due: only assistant replies
 * that ran at least `longRunMs` and ended complete or in error. A stop is the owner's own doing,
 * and an interrupted reply belongs to a previous run of the app.
 */
export function replyNotice(message: Message, now: number, longRunMs = LONG_RUN_MS): Notice | null {
  if (message.role !== 'assistant') return null;
  if (message.status !== 'complete' && message.status !== 'error') return null;
  if (now - message.createdAt < longRunMs) return null;
  const target = { conversationId: message.conversationId, messageId: message.id, permissionRequestId: null };
  if (message.status === 'error') {
    const reason = message.error?.message ?? 'unknown error';
    return { title: 'Reply stopped with an error', body: shorten(reason, BODY_CHARS), target };
  }
  return {
    title: 'Reply ready',
    body: shorten(message.content || 'The reply is ready.', BODY_CHARS),
    target,
  };
}

/** A hook's or a job's run that failed (a permission wait is the permission's own notice). */
export function automationNotice(run: AutomationRun): Notice | null {
  if (run.status !== 'error' || !run.conversationId) return null;
  return {
    title: `${run.kind === 'hook' ? 'Hook' : 'Job'} “${run.name}” failed`,
    body: shorten(run.error?.message ?? 'The run failed.', BODY_CHARS),
    target: { conversationId: run.conversationId, messageId: run.messageId, permissionRequestId: null },
  };
}
