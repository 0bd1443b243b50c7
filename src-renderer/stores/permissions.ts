import { create } from 'zustand';
import type { PermissionRequest, PermissionRule } from '../../src-main/core/protocol/index.js';
import {
  applyPendingSnapshot,
  applyRequested,
  applyResolved,
  emptyPermissionState,
  type PermissionState,
} from '../lib/permission-state.js';
import type { PermissionOutcome } from '../lib/tool-wording.js';

interface PermissionsStore extends PermissionState {
  /** Standing rules, for Settings → Permissions; null until first loaded. */
  rules: PermissionRule[] | null;
  rulesError: string | null;
  requested(request: PermissionRequest): void;
  resolved(requestId: string, outcome: PermissionOutcome): void;
  setPending(requests: readonly PermissionRequest[]): void;
  setRules(rules: PermissionRule[]): void;
  setRulesError(message: string | null): void;
}

export const usePermissions = create<PermissionsStore>()((set, get) => {
  function apply(next: PermissionState): void {
    if (next.byId !== get().byId || next.early !== get().early) set({ byId: next.byId, early: next.early });
  }
  return {
    ...emptyPermissionState,
    rules: null,
    rulesError: null,
    requested: (request) => apply(applyRequested(get(), request)),
    resolved: (requestId, outcome) => apply(applyResolved(get(), requestId, outcome)),
    setPending: (requests) => apply(applyPendingSnapshot(get(), requests)),
    setRules: (rules) => set({ rules, rulesError: null }),
    setRulesError: (rulesError) => set({ rulesError }),
  };
});
