import { describe, expect, it } from 'vitest';
import { describeFailure, lacked } from '../../../src-main/core/mcp/diagnose.js';

const base = { network: false, visible: ['/usr', '/ws', '/home/srv'], readOnly: ['/data'] };

describe('what a confined server lacked', () => {
  it('names a path outside what it sees, a write to a read-only path, the network and memory', () => {
    const stderr = [
      "Error: ENOENT: no such file or directory, open '/etc/app/config.json'",
      'EROFS: read-only file system, open /data/out.txt',
      'getaddrinfo ENOTFOUND registry.npmjs.org',
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
      "ENOENT: no such file or directory, open '/ws/fine.txt'",
    ].join('\n');
    expect(lacked({ ...base, stderr })).toEqual([
      'It reached for /etc/app/config.json, which the sandbox does not show: add it to this server’s paths (read-only, or read-write if it must write there).',
      'It tried to write to /data/out.txt, which you declared read-only.',
      'It tried to reach the network, which this server was not granted.',
      'It ran out of memory (its limit is 4 GiB of address space).',
    ]);
  });

  it('tells a missing package from a missing file', () => {
    expect(
      lacked({
        ...base,
        stderr: "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'zod' imported from /ws/x.mjs",
      }),
    ).toEqual([
      'It could not load the package “zod”: declare the folder its packages are installed in (a node_modules) read-only.',
    ]);
    expect(lacked({ ...base, stderr: "Error: Cannot find module '/opt/srv/index.js'" })).toEqual([
      'It reached for /opt/srv/index.js, which the sandbox does not show: add it to this server’s paths (read-only, or read-write if it must write there).',
    ]);
  });

  it('names a host path under /tmp too: the sandbox has a /tmp of its own', () => {
    expect(
      lacked({ ...base, stderr: "Error: Cannot find module '/tmp/clone/node_modules/srv/index.js'" }),
    ).toEqual([
      'It reached for /tmp/clone/node_modules/srv/index.js, which the sandbox does not show: add it to this server’s paths (read-only, or read-write if it must write there).',
    ]);
  });

  it('says nothing it cannot read from what the server wrote', () => {
    expect(lacked({ ...base, network: true, stderr: 'ECONNREFUSED 127.0.0.1:5432' })).toEqual([]);
  });
});

describe('describeFailure', () => {
  it('tells a confined npx server without network why it hangs', () => {
    const err = describeFailure({
      ...base,
      server: 'fs',
      phase: 'start',
      end: null,
      stderr: '',
      malformed: [],
      overflowed: false,
      timedOutMs: 30_000,
      cause: new Error('timed out'),
      confined: true,
      command: 'npx',
    });
    expect(err.message).toBe(
      'fs could not start: it did not answer within 30 s. npx downloads the server on first use, which needs network: grant this server network, or install the package where the sandbox sees it (under /usr, or a declared path) and run it directly.',
    );
  });

  it('puts how it ended, what it lacked and its last words in one message', () => {
    const err = describeFailure({
      ...base,
      server: 'db',
      phase: 'start',
      end: { code: 1, signal: null },
      stderr: 'connect ECONNREFUSED\u001b[31m boom',
      malformed: [],
      overflowed: false,
      timedOutMs: null,
      cause: new Error('closed'),
      confined: true,
      command: '/usr/bin/node',
    });
    expect(err.code).toBe('MCP_SERVER_FAILED');
    expect(err.message).toBe(
      'db could not start: it exited with status 1. It tried to reach the network, which this server was not granted. Its last words: “connect ECONNREFUSED\\e[31m boom”',
    );
  });
});
