import type { CheckpointResult, CheckpointStatus } from '../../../src-main/core/protocol/index.js';

/** Where each setting a checkpoint names lives on the Settings page. */
export const SETTING_TARGETS: Record<string, { label: string; selector: string }> = {
  models: { label: 'Models', selector: '[data-testid="settings-section-models"]' },
  instance: { label: 'This instance', selector: 'section[aria-labelledby="identity-title"]' },
  permissions: { label: 'Permissions', selector: '[data-testid="settings-section-permissions"]' },
  channels: { label: 'Channels', selector: '[data-testid="settings-section-channels"]' },
  mcp: { label: 'MCP servers', selector: '[data-testid="settings-section-mcp"]' },
  mesh: { label: 'Mesh', selector: '[data-testid="mesh-section"]' },
};

const ORDER: Record<CheckpointStatus, number> = { FAIL: 0, WARN: 1, PASS: 2, SKIP: 3 };

/** Failures first, then warnings; within a status the run's own order. */
export function sortedForReading(results: readonly CheckpointResult[]): CheckpointResult[] {
  return results
    .map((result, index) => ({ result, index }))
    .sort((a, b) => ORDER[a.result.status] - ORDER[b.result.status] || a.index - b.index)
    .map(({ result }) => result);
}

/** Scrolls to the setting that fixes a checkpoint and moves the keyboard focus there. */
export function goToSetting(setting: string): boolean {
  const target = SETTING_TARGETS[setting];
  const element = target ? document.querySelector<HTMLElement>(target.selector) : null;
  if (!element) return false;
  element.scrollIntoView({ block: 'start' });
  const heading = element.querySelector<HTMLElement>('h2') ?? element;
  heading.tabIndex = -1;
  heading.focus();
  return true;
}
