// Draws the tray icons in resources/tray/: one per state (idle, working, needs-permission,
// paused), at 16 px and 32 px (@2x), in colour for Windows and Linux and as macOS template
// images (black and alpha, "Template" in the name, recoloured by the menu bar).
// The states differ by shape, not only colour, so the template images tell them apart too:
// idle is the "0", working adds its nucleus, needs-permission adds a badge, paused is "||".
// Run: node resources/make-tray-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { encodePng } from './png.mjs';

const SAMPLES = 4; // per axis: 16 samples a pixel smooth the edges
const RING = { rx: 0.3, ry: 0.42, thickness: 0.14 };
const NUCLEUS = { r: 0.11 };
const BADGE = { cx: 0.78, cy: 0.24, r: 0.2, gap: 0.08 };
const BARS = [
  [0.26, 0.42],
  [0.58, 0.74],
];
const BAR_SPAN = [0.16, 0.84];

const COLOURS = {
  mark: [0x2b, 0xd9, 0xb0],
  badge: [0xf5, 0xa6, 0x23],
  paused: [0x9a, 0xa4, 0xb2],
};

function inRing(u, v) {
  const dx = u - 0.5;
  const dy = v - 0.5;
  const outer = (dx / RING.rx) ** 2 + (dy / RING.ry) ** 2;
  const inner = (dx / (RING.rx - RING.thickness)) ** 2 + (dy / (RING.ry - RING.thickness)) ** 2;
  return outer <= 1 && inner > 1;
}

const inNucleus = (u, v) => (u - 0.5) ** 2 + (v - 0.5) ** 2 <= NUCLEUS.r ** 2;
const badgeDistance = (u, v) => Math.hypot(u - BADGE.cx, v - BADGE.cy);
const inBars = (u, v) => v >= BAR_SPAN[0] && v <= BAR_SPAN[1] && BARS.some(([a, b]) => u >= a && u <= b);

/** What covers the point (u, v) in the unit square: 'mark', 'badge' or null. */
function shapeAt(state, u, v) {
  if (state === 'paused') return inBars(u, v) ? 'mark' : null;
  if (state === 'needs-permission') {
    const d = badgeDistance(u, v);
    if (d <= BADGE.r) return 'badge';
    // A clear gap around the badge keeps it readable against the ring.
    if (d <= BADGE.r + BADGE.gap) return null;
  }
  if (inRing(u, v)) return 'mark';
  if (state === 'working' && inNucleus(u, v)) return 'mark';
  return null;
}

function icon(state, size, template) {
  return encodePng(size, (px, py) => {
    const hits = { mark: 0, badge: 0 };
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const shape = shapeAt(state, (px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size);
        if (shape) hits[shape]++;
      }
    }
    const cover = hits.mark + hits.badge;
    if (cover === 0) return [0, 0, 0, 0];
    const alpha = (cover / SAMPLES ** 2) * 255;
    if (template) return [0, 0, 0, alpha];
    const mark = state === 'paused' ? COLOURS.paused : COLOURS.mark;
    const colour = mark.map((c, i) => (c * hits.mark + COLOURS.badge[i] * hits.badge) / cover);
    return [...colour, alpha];
  });
}

const dir = new URL('./tray/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const state of ['idle', 'working', 'needs-permission', 'paused']) {
  for (const [suffix, size] of [
    ['', 16],
    ['@2x', 32],
  ]) {
    writeFileSync(new URL(`tray-${state}${suffix}.png`, dir), icon(state, size, false));
    writeFileSync(new URL(`tray-${state}Template${suffix}.png`, dir), icon(state, size, true));
  }
}
