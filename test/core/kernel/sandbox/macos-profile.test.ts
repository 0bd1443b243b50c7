import { describe, expect, it } from 'vitest';
import { macosProfile, sandboxExecArgs } from '../../../../src-main/core/kernel/sandbox/macos-profile.js';

describe('macosProfile', () => {
  it('denies everything by default and writes only the workspace and a private temp directory', () => {
    const profile = macosProfile({ proxyPort: null, tty: false });
    expect(profile.startsWith('(version 1)\n(deny default)\n')).toBe(true);
    const writes = profile.split('\n').filter((line) => line.includes('file-write'));
    expect(writes).toEqual([
      '(allow file-read* file-write* (subpath (param "WORKSPACE")) (subpath (param "TMPDIR")))',
      '(allow file-read* file-write-data (literal "/dev/null") (literal "/dev/zero") (literal "/dev/dtracehelper"))',
    ]);
  });

  it('reads the system but not the home directories, /private/var or /Volumes', () => {
    const profile = macosProfile({ proxyPort: null, tty: false });
    expect(profile).toContain('(subpath "/usr")');
    expect(profile).toContain('(subpath "/System")');
    expect(profile).not.toMatch(/"\/Users|"\/private\/var\/(?!db\/)|"\/Volumes|"\/private\/tmp/);
    expect(profile).not.toMatch(/\(allow file-read\*\)/);
  });

  it('signals and inspects only its own processes', () => {
    const profile = macosProfile({ proxyPort: null, tty: false });
    expect(profile).toContain('(allow signal (target same-sandbox))');
    expect(profile).toContain('(allow process-info* (target same-sandbox))');
  });

  it('has no network and no Mach services without network', () => {
    const profile = macosProfile({ proxyPort: null, tty: false });
    expect(profile).not.toMatch(/network|mach-lookup|system-socket/);
  });

  it('with network, lets the command reach the egress proxy’s port on loopback and nothing else', () => {
    const profile = macosProfile({ proxyPort: 53123, tty: false });
    expect(profile).toContain('(allow network-outbound (remote tcp "localhost:53123"))');
    // No other host, no resolver of its own (the proxy resolves), no host Unix sockets, no listening.
    expect(profile).not.toMatch(/remote ip|mDNSResponder|dnssd|network-bind|network-inbound/);
    expect(profile).not.toMatch(/\(allow network\*\)|\(allow network-outbound\)/);
  });

  it('opens the pseudo-terminal devices only under a terminal', () => {
    expect(macosProfile({ proxyPort: null, tty: false })).not.toContain('/dev/ttys');
    expect(macosProfile({ proxyPort: null, tty: true })).toContain('(regex #"^/dev/ttys[0-9]+$")');
  });
});

describe('sandboxExecArgs', () => {
  it('passes paths as parameters, never inside the profile text', () => {
    const args = sandboxExecArgs(
      { argv: ['ls'], workspace: '/Users/a/"odd" (dir)', network: false },
      { workspace: '/Users/a/"odd" (dir)', tmpDir: '/private/var/folders/x/T/cell0-run-1' },
      ['/bin/sh', '-c', 'exec "$@"', 'limits', 'ls'],
    );
    expect(args[0]).toBe('-p');
    expect(args[1]).not.toContain('odd');
    expect(args.slice(2, 6)).toEqual([
      '-D',
      'WORKSPACE=/Users/a/"odd" (dir)',
      '-D',
      'TMPDIR=/private/var/folders/x/T/cell0-run-1',
    ]);
    expect(args.slice(6)).toEqual(['/bin/sh', '-c', 'exec "$@"', 'limits', 'ls']);
  });
});
