import { describe, expect, it } from 'vitest';
import {
  applyPendingSnapshot,
  applyRequested,
  applyResolved,
  cardState,
  emptyPermissionState,
  pendingCountByConversation,
  pendingRequests,
} from '../../../src-renderer/lib/permission-state.js';
import { permissionRequest } from '../kernel-fixture.js';

describe('permission state', () => {
  it('records a request as pending, then its answer', () => {
    let s = applyRequested(emptyPermissionState, permissionRequest('r1'));
    expect(pendingRequests(s).map((r) => r.id)).toEqual(['r1']);
    s = applyResolved(s, 'r1', 'allow-once');
    expect(s.byId.r1?.outcome).toBe('allow-once');
    expect(pendingRequests(s)).toEqual([]);
  });

  it('applies a resolution that arrived before its request', () => {
    let s = applyResolved(emptyPermissionState, 'r1', 'deny');
    s = applyRequested(s, permissionRequest('r1'));
    expect(s.byId.r1?.outcome).toBe('deny');
    expect(s.early).toEqual({});
  });

  it('keeps the first answer when the core echoes the one given here', () => {
    let s = applyRequested(emptyPermissionState, permissionRequest('r1'));
    s = applyResolved(s, 'r1', 'allow-reply');
    expect(applyResolved(s, 'r1', 'allow-reply')).toBe(s);
  });

  it('does not bring back an answered request when it is repeated', () => {
    let s = applyRequested(emptyPermissionState, permissionRequest('r1'));
    s = applyResolved(s, 'r1', 'deny');
    expect(applyRequested(s, permissionRequest('r1'))).toBe(s);
  });

  it('marks requests missing from the reconnect snapshot as answered elsewhere', () => {
    let s = applyRequested(emptyPermissionState, permissionRequest('r1'));
    s = applyPendingSnapshot(s, [permissionRequest('r2', { conversationId: 'c2' })]);
    expect(s.byId.r1?.outcome).toBe('unknown');
    expect(pendingRequests(s).map((r) => r.id)).toEqual(['r2']);
  });

  it('derives what an unknown answer was from the tool call', () => {
    expect(cardState(null, undefined)).toBe('pending');
    expect(cardState('allow-conversation', undefined)).toBe('allowed');
    expect(cardState('deny', 'running')).toBe('denied');
    expect(cardState('unknown', 'done')).toBe('allowed');
    expect(cardState('unknown', 'denied')).toBe('denied');
    expect(cardState('unknown', 'cancelled')).toBe('cancelled');
  });

  it('counts waiting requests per conversation', () => {
    let s = applyRequested(emptyPermissionState, permissionRequest('r1'));
    s = applyRequested(s, permissionRequest('r2', { conversationId: 'c2' }));
    s = applyRequested(s, permissionRequest('r3', { conversationId: 'c2' }));
    expect(pendingCountByConversation(s)).toEqual({ c1: 1, c2: 2 });
  });
});
