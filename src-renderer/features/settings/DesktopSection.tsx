import { useState } from 'react';
import type { DesktopSettings } from '../../../src-main/core/protocol/index.js';
import { errorMessage } from '../../lib/client.js';
import { isThemeChoice } from '../../lib/theme.js';
import { useConnection } from '../../stores/connection.js';
import { useSettings } from '../../stores/settings.js';
import { setDesktopSettings } from './actions.js';
import { THEME_LABELS, validateShortcut, type DesktopField } from './desktop-settings-model.js';
import { ShortcutField } from './ShortcutField.js';
import { SwitchField } from './SwitchField.js';

interface FieldError {
  field: DesktopField;
  message: string;
}

/** How the desktop app behaves; shown in serve mode too, since it is where people look for it. */
export function DesktopSection() {
  const desktop = useSettings((s) => s.snapshot?.desktop ?? null);
  const serve = useConnection((s) => s.appInfo?.mode === 'serve');
  // Values being saved: shown at once so a switch moves when clicked, not a round trip later.
  const [pending, setPending] = useState<Partial<DesktopSettings>>({});
  const [error, setError] = useState<FieldError | null>(null);

  async function save<F extends DesktopField>(field: F, value: DesktopSettings[F]): Promise<void> {
    setPending((p) => ({ ...p, [field]: value }));
    setError(null);
    try {
      await setDesktopSettings({ [field]: value });
    } catch (err) {
      setError({ field, message: `Not saved: ${errorMessage(err)}` });
    } finally {
      // Only this save's value: a newer click on the same control keeps showing its own.
      setPending((p) => {
        if (p[field] !== value) return p;
        const next = { ...p };
        delete next[field];
        return next;
      });
    }
  }

  function commitShortcut(value: string): void {
    const invalid = validateShortcut(value);
    if (invalid) setError({ field: 'quickPromptShortcut', message: invalid });
    else if (pending.quickPromptShortcut !== value.trim()) void save('quickPromptShortcut', value.trim());
  }

  const errorFor = (field: DesktopField) =>
    error?.field === field ? (
      <p id={`desktop-error-${field}`} className="inline-error" role="alert" data-testid="desktop-error">
        {error.message}
      </p>
    ) : null;
  const errorId = (field: DesktopField) => (error?.field === field ? `desktop-error-${field}` : null);

  let body;
  if (!desktop) {
    body = <p className="muted">Loading…</p>;
  } else {
    const shown = { ...desktop, ...pending };
    body = (
      <div className="settings-form">
        <SwitchField
          id="desktop-closeToTray"
          testId="desktop-close-to-tray"
          label="Close to tray"
          help="Closing the window keeps Cell 0 running in the tray, so agents can finish and ask you things."
          checked={shown.closeToTray}
          errorId={errorId('closeToTray')}
          onChange={(checked) => void save('closeToTray', checked)}
        />
        {errorFor('closeToTray')}
        <SwitchField
          id="desktop-launchAtLogin"
          testId="desktop-launch-at-login"
          label="Launch at login"
          help="Start Cell 0 in the tray when you log in."
          checked={shown.launchAtLogin}
          errorId={errorId('launchAtLogin')}
          onChange={(checked) => void save('launchAtLogin', checked)}
        />
        {errorFor('launchAtLogin')}
        <ShortcutField
          saved={desktop.quickPromptShortcut}
          errorId={errorId('quickPromptShortcut')}
          onCommit={commitShortcut}
          onRevert={() => setError((e) => (e?.field === 'quickPromptShortcut' ? null : e))}
        />
        {errorFor('quickPromptShortcut')}
        <div className="field">
          <label htmlFor="desktop-theme">Theme</label>
          <select
            id="desktop-theme"
            className="select desktop-theme"
            data-testid="desktop-theme"
            value={shown.theme}
            aria-describedby={errorId('theme') ?? undefined}
            onChange={(e) => {
              if (isThemeChoice(e.target.value)) void save('theme', e.target.value);
            }}
          >
            {(Object.keys(THEME_LABELS) as DesktopSettings['theme'][]).map((choice) => (
              <option key={choice} value={choice}>
                {THEME_LABELS[choice]}
              </option>
            ))}
          </select>
          <p className="field-help">System follows your operating system’s light or dark setting.</p>
        </div>
        {errorFor('theme')}
      </div>
    );
  }

  return (
    <section
      className="settings-section"
      data-testid="settings-section-desktop"
      aria-labelledby="desktop-title"
    >
      <h2 id="desktop-title">Desktop</h2>
      <p className="muted">
        {serve
          ? 'These apply to the desktop app (cell0 serve has no tray or global shortcut); the theme applies here too.'
          : 'How the app behaves on this computer.'}
      </p>
      {body}
    </section>
  );
}
