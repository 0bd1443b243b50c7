import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../mocks/electron.js'));

const { resetElectronMock, systemPreferences } = await import('../mocks/electron.js');
const { ownerPresence } = await import('../../src-main/desktop/owner-presence.js');

describe('owner presence for mesh pairing', () => {
  beforeEach(() => resetElectronMock());

  it('asks Touch ID on a Mac that has it, and a refused or cancelled prompt confirms nothing', async () => {
    systemPreferences.canPromptTouchID.mockReturnValue(true);
    const presence = ownerPresence('darwin');
    expect(presence.kind).toBe('touch-id');
    expect(await presence.confirm('pair with desktop')).toBe(true);
    expect(systemPreferences.promptTouchID).toHaveBeenCalledWith('pair with desktop');
    systemPreferences.promptTouchID.mockRejectedValueOnce(new Error('Touch ID was cancelled'));
    expect(await presence.confirm('pair with desktop')).toBe(false);
  });

  it('falls back to typing the code on a Mac without Touch ID and on other systems', () => {
    expect(ownerPresence('darwin').kind).toBe('typed');
    systemPreferences.canPromptTouchID.mockReturnValue(true);
    expect(ownerPresence('linux').kind).toBe('typed');
    expect(ownerPresence('win32').kind).toBe('typed');
  });
});
