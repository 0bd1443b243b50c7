import { describe, expect, it } from 'vitest';
import { parseFuseWire } from '../../src-main/desktop/checkpoint-probe.js';

describe('the fuse wire of an Electron binary', () => {
  it('reads each fuse after the sentinel, version and length bytes', () => {
    const wire = Buffer.concat([
      Buffer.from('some binary bytes'),
      Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'),
      Buffer.from([1, 6]),
      Buffer.from('010011'),
      Buffer.from('trailing'),
    ]);
    expect(parseFuseWire(wire)).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
    });
  });

  it('is null for a binary without a fuse wire', () => {
    expect(parseFuseWire(Buffer.from('no electron here'))).toBeNull();
  });
});
