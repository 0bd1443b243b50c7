import { describe, expect, it } from 'vitest';
import { EMPTY, inputFrom } from '../../../../src-renderer/features/mcp/mcp-form-model.js';

describe('the Add server form', () => {
  it('makes a confined stdio server of a command line, its variables and paths', () => {
    expect(
      inputFrom('command', {
        ...EMPTY,
        name: ' fs ',
        commandLine: 'npx -y @modelcontextprotocol/server-filesystem ${workspace}',
        env: 'TOKEN=abc',
        paths: '/srv/data:rw',
      }),
    ).toEqual({
      name: 'fs',
      enabled: true,
      transport: {
        kind: 'stdio',
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-filesystem', '${workspace}'],
        cwd: null,
        env: { TOKEN: 'abc' },
        confinement: 'sandbox',
        paths: [{ path: '/srv/data', write: true }],
        network: false,
      },
    });
  });

  it('makes a remote server of a URL and a bearer token', () => {
    expect(
      inputFrom('url', {
        ...EMPTY,
        name: 'r',
        url: 'https://x.example/mcp',
        headers: 'X-Team: blue\n',
        token: 't0k',
      }),
    ).toEqual({
      name: 'r',
      enabled: true,
      transport: {
        kind: 'http',
        url: 'https://x.example/mcp',
        headers: { 'X-Team': 'blue' },
        bearerToken: 't0k',
      },
    });
    expect(inputFrom('url', { ...EMPTY, name: 'r', url: 'https://x', headers: 'nocolon' })).toBe(
      'Headers: “nocolon” is not Name: value.',
    );
  });

  it('says what is missing', () => {
    expect(inputFrom('command', EMPTY)).toBe('Give the server a name.');
    expect(inputFrom('command', { ...EMPTY, name: 'a' })).toBe('Give the command that starts the server.');
    expect(inputFrom('command', { ...EMPTY, name: 'a', commandLine: 'x', env: 'bad' })).toBe(
      'Environment: “bad” is not NAME=value.',
    );
  });
});
