import type { PermissionRequest, ToolCallStatus } from '../../src-main/core/protocol/index.js';
import type { PermissionOutcome } from './tool-wording.js';

/** `unknown`: answered while this window was disconnected; the tool call's status tells which way. */
export type RecordedOutcome = PermissionOutcome | 'unknown';

export interface PermissionEntry {
  request: PermissionRequest;
  /** Null while the request waits for the owner. */
  outcome: RecordedOutcome | null;
}

export interface PermissionState {
  byId: Readonly<Record<string, PermissionEntry>>;
  /** Resolutions that arrived before their request (events can cross a reconnect's snapshot). */
  early: Readonly<Record<string, PermissionOutcome>>;
}

export const emptyPermissionState: PermissionState = { byId: {}, early: {} };

export type PermissionCardState = 'pending' | 'allowed' | 'denied' | 'cancelled';

export function applyRequested(state: PermissionState, request: PermissionRequest): PermissionState {
  const existing = state.byId[request.id];
  if (existing) return state;
  const early = state.early[request.id] ?? null;
  let nextEarly = state.early;
  if (early) {
    const copy: Record<string, PermissionOutcome> = { ...state.early };
    delete copy[request.id];
    nextEarly = copy;
  }
  return { byId: { ...state.byId, [request.id]: { request, outcome: early } }, early: nextEarly };
}

export function applyResolved(
  state: PermissionState,
  requestId: string,
  outcome: PermissionOutcome,
): PermissionState {
  const existing = state.byId[requestId];
  if (!existing) return { ...state, early: { ...state.early, [requestId]: outcome } };
  // The first answer stands: our own optimistic record and the core's event say the same thing.
  if (existing.outcome !== null && existing.outcome !== 'unknown') return state;
  return { ...state, byId: { ...state.byId, [requestId]: { ...existing, outcome } } };
}

/**
 * The core's list of pending requests after a (re)connect. Ones pending here but not there were
 * answered or cancelled while the link was down; events for those were lost.
 */
export function applyPendingSnapshot(
  state: PermissionState,
  requests: readonly PermissionRequest[],
): PermissionState {
  const pendingIds = new Set(requests.map((r) => r.id));
  const byId: Record<string, PermissionEntry> = { ...state.byId };
  for (const [id, entry] of Object.entries(byId)) {
    if (entry.outcome === null && !pendingIds.has(id)) byId[id] = { ...entry, outcome: 'unknown' };
  }
  let next: PermissionState = { byId, early: state.early };
  for (const r of requests) next = applyRequested(next, r);
  return next;
}

export function cardState(
  outcome: RecordedOutcome | null,
  toolStatus: ToolCallStatus | undefined,
): PermissionCardState {
  if (outcome === null) return 'pending';
  if (outcome === 'deny') return 'denied';
  if (outcome === 'cancelled') return 'cancelled';
  if (outcome !== 'unknown') return 'allowed';
  if (toolStatus === 'denied') return 'denied';
  if (
    toolStatus === 'running' ||
    toolStatus === 'done' ||
    toolStatus === 'failed' ||
    toolStatus === 'limit'
  ) {
    return 'allowed';
  }
  return 'cancelled';
}

/** Waiting requests, oldest first. */
export function pendingRequests(state: PermissionState): PermissionRequest[] {
  return Object.values(state.byId)
    .filter((e) => e.outcome === null)
    .map((e) => e.request)
    .sort((a, b) => a.createdAt - b.createdAt);
}

export function pendingCountByConversation(state: PermissionState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of pendingRequests(state)) counts[r.conversationId] = (counts[r.conversationId] ?? 0) + 1;
  return counts;
}
