import { describe, expect, it } from 'vitest';
import { describeCall } from '../../../../src-main/core/kernel/permissions/display.js';
import { RISK } from '../../../../src-main/core/kernel/permissions/risks.js';

const WS = '/home/ada/.cell0/workspaces/c1';

describe('describeCall: shell', () => {
  it('shows the command and proposes its first two words', () => {
    expect(describeCall('shell', { command: 'git status --short', reason: 'see changes' }, WS)).toEqual({
      display: 'git status --short',
      preview: null,
      network: false,
      target: null,
      risks: [],
      alwaysAsk: false,
      refusal: null,
      proposedPattern: 'git status *',
      subject: 'git status --short',
      parts: ['git status --short'],
    });
    expect(describeCall('shell', { command: 'ls' }, WS).proposedPattern).toBe('ls *');
    expect(describeCall('shell', { command: 'FOO=1 make test' }, WS).proposedPattern).toBe(
      'FOO=1 make test *',
    );
  });

  it('shows hidden characters and line breaks in the display and the pattern', () => {
    const call = describeCall('shell', { command: 'git\u200b status\nrm -rf ~' }, WS);
    expect(call.display).toBe('git\\u{200B} status⏎\nrm -rf ~');
    expect(call.alwaysAsk).toBe(true);
    expect(describeCall('shell', { command: 'git\u200b status -s' }, WS).proposedPattern).toBe(
      'git\\u{200B} status *',
    );
  });

  it('offers no pattern for a call no rule can cover: a chain, a pipeline, a substitution', () => {
    for (const command of [
      'echo hello > note.txt && id -u',
      'git status; rm -rf build',
      'ls | head -n 3',
      'a && b; c | d',
      'ls $(pwd)',
      'cat ~/.ssh/id_ed25519',
      '$X y',
    ]) {
      const call = describeCall('shell', { command }, WS);
      expect(call.alwaysAsk, command).toBe(true);
      expect(call.proposedPattern, command).toBeNull();
    }
    expect(describeCall('shell', { cmd: 'ls' }, WS).proposedPattern).toBeNull();
    expect(describeCall('fetch_url', { url: 'file:///etc/passwd' }, WS).proposedPattern).toBeNull();
  });

  it('says so when the shell asks for network, and scopes the pattern to network calls', () => {
    const call = describeCall('shell', { command: 'npm install', network: true }, WS);
    expect(call.network).toBe(true);
    expect(call.risks).toEqual([RISK.networkAccess]);
    expect(call.proposedPattern).toBe('network: npm install *');
    expect(call.subject).toBe('network: npm install');
    expect(describeCall('shell', { command: 'npm install', network: 'yes' }, WS).network).toBe(false);
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

  it('refuses file tools pointed outside the workspace, with a stable code and the reason', () => {
    for (const [tool, args] of [
      ['read_file', { path: '/etc/passwd' }],
      ['read_file', { path: '../../../.ssh/id_ed25519' }],
      ['write_file', { path: `${WS}-evil/x`, content: '' }],
      ['edit_file', { path: '/home/ada/.bashrc', oldText: 'a', newText: 'b' }],
      ['list_dir', { path: '..' }],
      ['search_files', { pattern: 'x', path: '/etc' }],
    ] as const) {
      const call = describeCall(tool, args, WS);
      expect(call.refusal, `${tool} ${JSON.stringify(args)}`).toEqual({
        code: 'OUTSIDE_WORKSPACE',
        message: expect.stringContaining(`${tool} cannot reach ${call.display}`),
      });
      expect(call.refusal?.message).toContain(WS);
    }
    for (const [tool, args] of [
      ['read_file', { path: 'src/../README.md' }],
      ['read_file', { path: `${WS}/notes.txt` }],
      ['list_dir', {}],
      ['write_file', { path: 'a/../../c1/b.txt', content: '' }],
    ] as const) {
      expect(describeCall(tool, args, WS).refusal, `${tool} ${JSON.stringify(args)}`).toBeNull();
    }
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

describe('describeCall: what a write or an edit will put in the file', () => {
  it('a write shows its size, its line count and the whole content, hidden characters made visible', () => {
    const content = 'line 1\nline 2 \u202eevil\ncafé\n';
    const call = describeCall('write_file', { path: 'a.txt', content }, WS);
    expect(call.preview).toEqual({
      kind: 'write',
      bytes: Buffer.byteLength(content),
      lines: 3,
      text: 'line 1\nline 2 \\u{202E}evil\ncafé\n',
    });
    expect(call.display).toBe(`${WS}/a.txt`);
    expect(describeCall('write_file', { path: 'a.txt', content: 'no break' }, WS).preview).toMatchObject({
      lines: 1,
      bytes: 8,
    });
    expect(describeCall('write_file', { path: 'a.txt', content: '' }, WS).preview).toMatchObject({
      lines: 0,
      bytes: 0,
      text: '',
    });
  });

  it('an edit shows the change from the old text to the new, line by line', () => {
    const call = describeCall(
      'edit_file',
      {
        path: 'todo.txt',
        oldText: 'buy milk\ncall Ada\n',
        newText: 'buy bread\ncall Ada\npay \x1b[2Jrent\n',
      },
      WS,
    );
    expect(call.preview).toEqual({
      kind: 'edit',
      removed: 1,
      added: 2,
      lines: [
        { op: 'remove', text: 'buy milk' },
        { op: 'add', text: 'buy bread' },
        { op: 'keep', text: 'call Ada' },
        { op: 'add', text: 'pay \\e[2Jrent' },
      ],
    });
  });

  it('an edit within one line without line breaks is one line removed and one added', () => {
    expect(describeCall('edit_file', { path: 'a', oldText: 'milk', newText: 'bread' }, WS).preview).toEqual({
      kind: 'edit',
      removed: 1,
      added: 1,
      lines: [
        { op: 'remove', text: 'milk' },
        { op: 'add', text: 'bread' },
      ],
    });
  });

  it('other tools, and file tools with arguments of the wrong shape, have no preview', () => {
    expect(describeCall('read_file', { path: 'a' }, WS).preview).toBeNull();
    expect(describeCall('shell', { command: 'ls' }, WS).preview).toBeNull();
    expect(describeCall('write_file', { path: 'a', content: 42 }, WS).preview).toBeNull();
    expect(describeCall('edit_file', { path: 'a', oldText: 'x' }, WS).preview).toBeNull();
  });
});

describe('describeCall: fetch_url', () => {
  it('needs network, shows the URL as it will be fetched and proposes its host', () => {
    expect(describeCall('fetch_url', { url: 'https://Example.com:8443/a/b?q=1' }, WS)).toEqual({
      display: 'https://example.com:8443/a/b?q=1',
      preview: null,
      network: true,
      target: 'https://example.com:8443/a/b?q=1',
      risks: [],
      alwaysAsk: false,
      refusal: null,
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
