import { beforeEach, describe, expect, it } from 'vitest';
import { sidebarHidden, useUi } from '../../../src-renderer/stores/ui.js';

beforeEach(() => useUi.setState({ sidebarCollapsed: false, narrowWindow: false, sidebarDrawerOpen: false }));

describe('the sidebar in wide and narrow windows', () => {
  const ui = () => useUi.getState();

  it('toggles the remembered choice when wide', () => {
    ui().toggleSidebar();
    expect(ui().sidebarCollapsed).toBe(true);
    expect(sidebarHidden(ui())).toBe(true);
    ui().toggleSidebar();
    expect(sidebarHidden(ui())).toBe(false);
  });

  it('hides itself when narrow and toggles a drawer that leaves the wide choice alone', () => {
    ui().setNarrowWindow(true);
    expect(sidebarHidden(ui())).toBe(true);
    ui().toggleSidebar();
    expect(ui().sidebarDrawerOpen).toBe(true);
    expect(sidebarHidden(ui())).toBe(false);
    expect(ui().sidebarCollapsed).toBe(false);
    ui().closeSidebarDrawer();
    expect(sidebarHidden(ui())).toBe(true);

    // An open drawer does not survive a change of width.
    ui().toggleSidebar();
    ui().setNarrowWindow(false);
    expect(ui().sidebarDrawerOpen).toBe(false);
    expect(sidebarHidden(ui())).toBe(false);
  });
});
