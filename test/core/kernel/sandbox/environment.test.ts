import { describe, expect, it } from 'vitest';
import {
  minimalGroup,
  minimalPasswd,
  sandboxEnv,
} from '../../../../src-main/core/kernel/sandbox/environment.js';

describe('sandboxEnv', () => {
  it('is a fixed environment, nothing taken from the app', () => {
    process.env.CELL0_TEST_LEAK = 'leak';
    try {
      expect(sandboxEnv('/w', false)).toEqual({
        PATH: '/usr/local/bin:/usr/bin:/bin',
        HOME: '/w',
        LANG: 'C.UTF-8',
        TMPDIR: '/tmp',
        NODE_OPTIONS: '--disable-wasm-trap-handler',
      });
      expect(sandboxEnv('/w', true).TERM).toBe('xterm-256color');
    } finally {
      delete process.env.CELL0_TEST_LEAK;
    }
  });
});

describe('minimal account files', () => {
  it('name only root and the sandbox user', () => {
    expect(minimalPasswd({ uid: 65534, gid: 65534 })).toBe(
      'root:x:0:0:root:/root:/usr/sbin/nologin\nnobody:x:65534:65534:Cell 0 sandbox:/tmp:/bin/sh\n',
    );
    expect(minimalGroup({ uid: 65534, gid: 65534 })).toBe('root:x:0:\nnogroup:x:65534:\n');
    expect(minimalPasswd({ uid: 1000, gid: 1000 })).toContain('cell0:x:1000:1000:');
  });
});
