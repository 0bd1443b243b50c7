import { settingsHash } from '../../lib/settings-hash.js';
import type { CheckpointResult, CheckpointStatus } from '../../../src-main/core/protocol/index.js';

/** Where each setting a checkpoint names lives on the Settings page. */
export const SETTING_TARGETS: Record<string, { label: string; section: string; selector: string }> = {
  models: { label: 'Models', section: 'models', selector: '[data-testid="settings-section-models"]' },
  instance: {
    label: 'This instance',
    section: 'identity',
    selector: 'section[aria-labelledby="identity-title"]',
  },
  permissions: {
    label: 'Permissions',
    section: 'permissions',
    selector: '[data-testid="settings-section-permissions"]',
  },
  channels: { label: 'Channels', section: 'channels', selector: '[data-testid="settings-section-channels"]' },
  mcp: { label: 'MCP servers', section: 'mcp', selector: '[data-testid="settings-section-mcp"]' },
  mesh: { label: 'Mesh', section: 'mesh', selector: '[data-testid="mesh-section"]' },
};

const ORDER: Record<CheckpointStatus, number> = { FAIL: 0, WARN: 1, PASS: 2, SKIP: 3 };

/** Failures first, then warnings; within a status the run's own order. */
export function sortedForReading(results: readonly CheckpointResult[]): CheckpointResult[] {
  return results
    .map((result, index) => ({ result, index }))
    .sort((a, b) => ORDER[a.result.status] - ORDER[b.result.status] || a.index - b.index)
    .map(({ result }) => result);
}

/**
 * Opens the Settings section that fixes a checkpoint (a history entry, so Back returns to
 * Security) and moves the keyboard focus to its heading once it shows.
 */
export function goToSetting(setting: string): boolean {
  const target = SETTING_TARGETS[setting];
  if (!target) return false;
  window.location.hash = settingsHash(target.section);
  const started = performance.now();
  const focusWhenShown = (): void => {
    const element = document.querySelector<HTMLElement>(target.selector);
    if (!element) {
      // The section renders on the next frames (it may load its data first); give up after 5 s.
      if (performance.now() - started < 5000) requestAnimationFrame(focusWhenShown);
      return;
    }
    element.scrollIntoView({ block: 'start' });
    const heading = element.querySelector<HTMLElement>('h2') ?? element;
    heading.tabIndex = -1;
    heading.focus();
  };
  requestAnimationFrame(focusWhenShown);
  return true;
}
