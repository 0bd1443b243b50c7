import { describe, expect, it } from 'vitest';
import { isPermissionAllowed } from '../../src-main/desktop/permissions.js';

const APP = 'file:///opt/Cell%200/resources/app.asar/out/renderer/index.html';

describe('isPermissionAllowed', () => {
  it('lets only the app page write to the clipboard', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', APP, APP)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example/', APP)).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', undefined, APP)).toBe(false);
  });

  it('refuses every other permission, even to the app page', () => {
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fullscreen',
    ]) {
      expect(isPermissionAllowed(permission, APP, APP)).toBe(false);
    }
  });
});
