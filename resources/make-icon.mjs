// Draws resources/icon.png (512x512): a rounded dark cell holding a bright "0".
// Plain Node (zlib for the PNG's deflate stream) so the icon can be remade without image tools.
// Run: node resources/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

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

const rows = [];
for (let py = 0; py < SIZE; py++) {
  const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0, then RGBA
  for (let px = 0; px < SIZE; px++) {
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
    row.set([...color.map(Math.round), Math.round(alpha * 255)], 1 + px * 4);
  }
  rows.push(row);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter method, no interlace

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);

writeFileSync(new URL('./icon.png', import.meta.url), png);
