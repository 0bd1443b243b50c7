// Draws resources/icon.png (512x512): a rounded dark cell holding a bright "0".
// Plain Node (see png.mjs) so the icon can be remade without image tools.
// Run: node resources/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { encodePng } from './png.mjs';

const SIZE = 512;
const SAMPLES = 4; // per axis: 16 samples a pixel smooth the edges

const CELL = { margin: 24, radius: 112 };
const RING = { rx: 118, ry: 162, thickness: 50 };
const NUCLEUS = { r: 30 };
const DARK_TOP = [0x1b, 0x22, 0x30];
const DARK_BOTTOM = [0x0b, 0x0f, 0x16];
const BRIGHT = [0x4d, 0xf2, 0xc9];

/** Whether (x, y) lies inside the rounded square of the cell. */
function inCell(x, y) {
  const lo = CELL.margin;
  const hi = SIZE - CELL.margin;
  if (x < lo || x > hi || y < lo || y > hi) return false;
  const cx = Math.min(Math.max(x, lo + CELL.radius), hi - CELL.radius);
  const cy = Math.min(Math.max(y, lo + CELL.radius), hi - CELL.radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= CELL.radius ** 2;
}

/** Whether (x, y) lies on the "0": between two concentric ellipses. */
function inRing(x, y) {
  const dx = x - SIZE / 2;
  const dy = y - SIZE / 2;
  const outer = (dx / RING.rx) ** 2 + (dy / RING.ry) ** 2;
  const inner = (dx / (RING.rx - RING.thickness)) ** 2 + (dy / (RING.ry - RING.thickness)) ** 2;
  return outer <= 1 && inner > 1;
}

function inNucleus(x, y) {
  return (x - SIZE / 2) ** 2 + (y - SIZE / 2) ** 2 <= NUCLEUS.r ** 2;
}

function mix(a, b, t) {
  return a.map((v, i) => v + (b[i] - v) * t);
}

const png = encodePng(SIZE, (px, py) => {
  let cover = 0;
  let bright = 0;
  for (let sy = 0; sy < SAMPLES; sy++) {
    for (let sx = 0; sx < SAMPLES; sx++) {
      const x = px + (sx + 0.5) / SAMPLES;
      const y = py + (sy + 0.5) / SAMPLES;
      if (!inCell(x, y)) continue;
      cover++;
      if (inRing(x, y) || inNucleus(x, y)) bright++;
    }
  }
  const alpha = cover / SAMPLES ** 2;
  const background = mix(DARK_TOP, DARK_BOTTOM, py / SIZE);
  const color = cover ? mix(background, BRIGHT, bright / cover) : [0, 0, 0];
  return [...color, alpha * 255];
});

writeFileSync(new URL('./icon.png', import.meta.url), png);
