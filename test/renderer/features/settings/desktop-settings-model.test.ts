import { describe, expect, it } from 'vitest';
import { validateShortcut } from '../../../../src-renderer/features/settings/desktop-settings-model.js';

describe('quick prompt shortcut', () => {
  it('accepts Electron accelerators', () => {
    for (const ok of [
      'CommandOrControl+Shift+Space',
      'Alt+Space',
      'cmdorctrl+k',
      ' Super+Plus ',
      'Control+Alt+F12',
      'F13',
    ]) {
      expect(validateShortcut(ok), ok).toBeNull();
    }
  });

  it('says what to fix', () => {
    expect(validateShortcut('   ')).toMatch(/Enter a shortcut/);
    expect(validateShortcut('Ctrl++')).toMatch(/Plus/);
    expect(validateShortcut('Ctrl+Shift')).toMatch(/not a modifier/);
    expect(validateShortcut('Hyper+K')).toMatch(/“Hyper” is not a modifier/);
    expect(validateShortcut('K')).toMatch(/Add a modifier/);
    expect(validateShortcut(`Ctrl+${'K'.repeat(100)}`)).toMatch(/at most 100/);
  });
});
