import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { autostartEntry, autostartFile, setLinuxAutostart } from '../../src-main/desktop/linux-autostart.js';

describe('Linux launch at login', () => {
  it('lives in the XDG autostart folder', () => {
    expect(autostartFile({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/a')).toBe('/x/cfg/autostart/cell0.desktop');
    expect(autostartFile({}, '/home/a')).toBe('/home/a/.config/autostart/cell0.desktop');
  });

  it('quotes the executable so a path with spaces or quotes still starts the app', () => {
    expect(autostartEntry('/opt/Cell 0/cell0')).toContain('Exec="/opt/Cell 0/cell0"');
    expect(autostartEntry('/tmp/a"b$c')).toContain('Exec="/tmp/a\\"b\\$c"');
  });

  it('writes the entry when on and removes it when off', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cell0-autostart-'));
    try {
      const file = join(dir, 'autostart', 'cell0.desktop');
      setLinuxAutostart(true, '/usr/bin/cell0', file);
      expect(readFileSync(file, 'utf8')).toMatch(/^\[Desktop Entry\]\nType=Application\nName=Cell 0/);
      setLinuxAutostart(false, '/usr/bin/cell0', file);
      expect(existsSync(file)).toBe(false);
      setLinuxAutostart(false, '/usr/bin/cell0', file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
