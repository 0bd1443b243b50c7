import { describe, expect, it } from 'vitest';
import { usePermissions } from '../../../src-renderer/stores/permissions.js';
import { permissionRequest } from '../kernel-fixture.js';

describe('permissions store', () => {
  it('collapses a card when another window answers it', () => {
    usePermissions.getState().requested(permissionRequest('p1'));
    expect(usePermissions.getState().byId.p1?.outcome).toBeNull();
    usePermissions.getState().resolved('p1', 'cancelled');
    expect(usePermissions.getState().byId.p1?.outcome).toBe('cancelled');
  });

  it('replaces the rules with each rulesChanged list', () => {
    const rule = {
      id: 'x',
      tool: 'shell',
      pattern: 'ls*',
      decision: 'allow',
      createdAt: 1,
      valid: true,
    } as const;
    usePermissions.getState().setRulesError('offline');
    usePermissions.getState().setRules([rule]);
    expect(usePermissions.getState().rules).toEqual([rule]);
    expect(usePermissions.getState().rulesError).toBeNull();
  });
});
