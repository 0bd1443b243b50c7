import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { qrPath } from '../../../../src-renderer/features/channels/qr-modules.js';

describe('the WhatsApp QR code drawn in the window', () => {
  it('decodes back to the link code it was drawn from', () => {
    const text = 'https://wa.me/settings/linked_devices#2@abc==,noise+key/=,identity+key/=,adv==,1';
    const { size, path } = qrPath(text);
    const scale = 6;
    const quiet = 4;
    const side = (size + quiet * 2) * scale;
    const data = new Uint8ClampedArray(side * side * 4).fill(255);
    for (const m of path.matchAll(/M(\d+) (\d+)/g)) {
      const x0 = (Number(m[1]) + quiet) * scale;
      const y0 = (Number(m[2]) + quiet) * scale;
      for (let y = y0; y < y0 + scale; y++) {
        for (let x = x0; x < x0 + scale; x++) data.set([0, 0, 0, 255], (y * side + x) * 4);
      }
    }
    expect(jsQR(data, side, side)?.data).toBe(text);
  });
});
