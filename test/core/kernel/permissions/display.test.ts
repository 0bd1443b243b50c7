import { describe, expect, it } from 'vitest';
import { describeCall } from '../../../../src-main/core/kernel/permissions/display.js';
import { RISK } from '../../../../src-main/core/kernel/permissions/risks.js';

const WS = '/home/ada/.cell0/workspaces/c1';

describe('describeCall: shell', () => {
  it('shows the command and proposes its first two words', () => {
    expect(describeCall('shell', { command: 'git status --short', reason: 'see changes' }, WS)).toEqual({
      display: 'git status --short',
      network: false,
      target: null,
      risks: [],
      alwaysAsk: false,
      proposedPattern: 'git status *',
      subject: 'git status --short',
      parts: ['git status --short'],
    });
    expect(describeCall('shell', { command: 'ls' }, WS).proposedPattern).toBe('ls *');
    expect(describeCall('shell', { command: 'ls $(pwd)' }, WS).proposedPattern).toBe('ls *');
    expect(describeCall('shell', { command: 'FOO=1 make test' }, WS).proposedPattern).toBe(
      'FOO=1 make test *',
    );
  });

  it('shows hidden characters and line breaks in the display and the pattern', () => {
    const call = describeCall('shell', { command: 'git\u200b status\nrm -rf ~' }, WS);
    expect(call.display).toBe('git\\u{200B} status⏎\nrm -rf ~');
    expect(call.proposedPattern).toBe('git\\u{200B} status *');
    expect(call.alwaysAsk).toBe(true);
  });

  it('says so when the shell asks for network, and scopes the pattern to network calls', () => {
    const call = describeCall('shell', { command: 'npm install', network: true }, WS);
    expect(call.network).toBe(true);
    expect(call.risks).toEqual([RISK.networkAccess]);
    expect(call.proposedPattern).toBe('network: npm install *');
    expect(call.subject).toBe('network: npm install');
    expect(describeCall('shell', { command: 'npm install', network: 'yes' }, WS).network).toBe(false);
  });

  it('proposes the exact command when even its first word is computed', () => {
    expect(describeCall('shell', { command: '$X y' }, WS).proposedPattern).toBe('$X y');
  });
});

describe('describeCall: files', () => {
  it('resolves paths against the workspace and flags reads that leave it', () => {
    const inside = describeCall('read_file', { path: 'src/../README.md' }, WS);
    expect(inside).toMatchObject({
      display: `${WS}/README.md`,
      target: `${WS}/README.md`,
      risks: [],
      proposedPattern: `${WS}/*`,
      network: false,
    });
    expect(describeCall('read_file', { path: '../../../.ssh/id_ed25519' }, WS)).toMatchObject({
      display: '/home/ada/.ssh/id_ed25519',
      risks: [RISK.readsOutside],
    });
    expect(describeCall('list_dir', {}, WS)).toMatchObject({
      display: WS,
      risks: [],
      proposedPattern: `${WS}/*`,
    });
    expect(describeCall('search_files', { pattern: 'x', path: '/etc' }, WS)).toMatchObject({
      display: '/etc',
      risks: [RISK.readsOutside],
    });
  });

  it('flags writes that leave the workspace', () => {
    expect(describeCall('write_file', { path: 'out/a.txt', content: '' }, WS)).toMatchObject({
      display: `${WS}/out/a.txt`,
      risks: [],
      proposedPattern: `${WS}/out/*`,
    });
    expect(
      describeCall('edit_file', { path: '/home/ada/.bashrc', oldText: 'a', newText: 'b' }, WS),
    ).toMatchObject({
      risks: [RISK.writesOutside],
    });
    expect(describeCall('write_file', { path: `${WS}-evil/x`, content: '' }, WS).risks).toEqual([
      RISK.writesOutside,
    ]);
  });
});

describe('describeCall: fetch_url', () => {
  it('needs network, shows the URL as it will be fetched and proposes its host', () => {
    expect(describeCall('fetch_url', { url: 'https://Example.com:8443/a/b?q=1' }, WS)).toEqual({
      display: 'https://example.com:8443/a/b?q=1',
      network: true,
      target: 'https://example.com:8443/a/b?q=1',
      risks: [],
      alwaysAsk: false,
      proposedPattern: 'https://example.com:8443/*',
      subject: 'https://example.com:8443/a/b?q=1',
      parts: [],
    });
  });

  it('shows a look-alike international host as punycode', () => {
    // Cyrillic "а" in place of the Latin one.
    expect(describeCall('fetch_url', { url: 'https://pаypal.com/login' }, WS).display).toBe(
      'https://xn--pypal-4ve.com/login',
    );
  });

  it('always asks for what is not a web address', () => {
    expect(describeCall('fetch_url', { url: 'file:///etc/passwd' }, WS)).toMatchObject({
      risks: [RISK.notWeb],
      alwaysAsk: true,
    });
  });
});

describe('describeCall: arguments of the wrong shape', () => {
  it.each([
    ['shell', { cmd: 'ls' }],
    ['shell', 'ls'],
    ['read_file', { path: 42 }],
    ['fetch_url', { url: 'not a url' }],
  ] as const)('%s %j always asks', (tool, args) => {
    const call = describeCall(tool, args, WS);
    expect(call.risks).toEqual([RISK.badArguments]);
    expect(call.alwaysAsk).toBe(true);
  });
});
