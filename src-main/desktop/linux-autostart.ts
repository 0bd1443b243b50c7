import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Electron manages login items on macOS and Windows only; Linux desktops start what is listed
 * in the XDG autostart folder, so the setting writes (or removes) a .desktop entry there.
 */
export function autostartFile(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'autostart', 'cell0.desktop');
}

/** The entry's text; an AppImage must be started through its image, not the unpacked binary. */
export function autostartEntry(executable: string): string {
  const quoted = `"${executable.replace(/(["`$\\])/g, '\\$1')}"`;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Cell 0',
    'Comment=Your agent, in the tray',
    `Exec=${quoted}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function setLinuxAutostart(
  enabled: boolean,
  executable: string,
  file: string = autostartFile(),
): void {
  if (enabled) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, autostartEntry(executable), { mode: 0o644 });
  } else {
    rmSync(file, { force: true });
  }
}
