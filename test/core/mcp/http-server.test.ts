import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultText } from '../../../src-main/core/mcp/tool-result.js';
import { HttpPeer } from '../../fixtures/mcp/http-peer.js';
import { config, harness, type Harness } from './mcp-fixture.js';

let h: Harness;
const peer = new HttpPeer('bearer-token-3c9e');
const never = new AbortController().signal;

beforeAll(async () => {
  h = await harness();
  await peer.start();
});
afterAll(async () => {
  await h.close();
  await peer.stop();
});

describe('a remote server over Streamable HTTP', () => {
  it('connects with its bearer token, lists its tools and answers calls', async () => {
    const cfg = config('remote', { kind: 'http', url: peer.url, headerNames: ['Authorization'] });
    const runtime = h.runtime(cfg, { headers: { Authorization: `Bearer ${peer.token}` } });
    await runtime.start();
    expect(runtime.snapshot()).toMatchObject({
      state: 'ready',
      runs: 'remote',
      serverInfo: { name: 'http-peer' },
    });
    expect(runtime.offered().map((t) => t.name)).toEqual(['shout']);
    const result = await runtime.call('conv-h', 'shout', { text: 'quiet' }, { signal: never });
    expect(resultText(result)).toBe('QUIET');
    expect(new Set(peer.authorizations)).toEqual(new Set([`Bearer ${peer.token}`]));
    // A remote server has no process per conversation: its calls share the one session.
    expect(runtime.snapshot().instances).toBe(0);
  });

  it('a refused token fails the start with the server’s answer', async () => {
    const cfg = config('refused', { kind: 'http', url: peer.url, headerNames: ['Authorization'] });
    const runtime = h.runtime(cfg, { headers: { Authorization: 'Bearer wrong' } });
    await runtime.start();
    const snapshot = runtime.snapshot();
    expect(snapshot.state).toBe('failed');
    expect(snapshot.error?.code).toBe('MCP_SERVER_FAILED');
    expect(snapshot.error?.message).toBe(
      'refused could not start: the server answered HTTP 401: its token or headers were refused, check them.',
    );
  });
});
