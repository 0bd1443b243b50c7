import { describe, expect, it } from 'vitest';
import { PRICES_AS_OF } from '../../../src-main/core/agents/pricing.js';
import { startTestCore } from '../../helpers/core.js';
import { MAX_FRAME_BYTES } from '../../../src-main/core/protocol/frames.js';

describe('router', () => {
  it('answers every kind of bad input with a stable code and keeps serving', async () => {
    const t = await startTestCore();
    const ctx = { authenticated: true, peer: 'test' };
    const handle = (raw: unknown) => t.core.router.handle(raw, ctx);
    try {
      expect(await handle('{not json')).toMatchObject({ ok: false, id: null, error: { code: 'BAD_FRAME' } });
      expect(await handle(Buffer.from('{}'))).toMatchObject({ ok: false, error: { code: 'BAD_FRAME' } });
      expect(await handle(JSON.stringify({ type: 'req', id: '1' }))).toMatchObject({
        ok: false,
        id: '1',
        error: { code: 'BAD_FRAME' },
      });
      expect(await handle(JSON.stringify({ type: 'req', id: '2', method: 'nope.nothing' }))).toMatchObject({
        ok: false,
        id: '2',
        error: { code: 'UNKNOWN_METHOD' },
      });
      expect(
        await handle(
          JSON.stringify({ type: 'req', id: '3', method: 'conversations.rename', params: { id: 'x' } }),
        ),
      ).toMatchObject({
        ok: false,
        id: '3',
        error: { code: 'BAD_PARAMS', message: expect.stringContaining('title') },
      });
      const huge = JSON.stringify({
        type: 'req',
        id: '4',
        method: 'app.info',
        params: { pad: 'x'.repeat(MAX_FRAME_BYTES) },
      });
      expect(await handle(huge)).toMatchObject({ ok: false, error: { code: 'FRAME_TOO_LARGE' } });
      // Multi-byte text over the limit in bytes but not in characters is still refused.
      const wide = JSON.stringify({
        type: 'req',
        id: '5',
        method: 'app.info',
        params: { pad: 'é'.repeat(MAX_FRAME_BYTES / 2 + 10) },
      });
      expect(await handle(wide)).toMatchObject({ ok: false, error: { code: 'FRAME_TOO_LARGE' } });
      expect(
        await handle(
          JSON.stringify({ type: 'req', id: '6', method: 'conversations.get', params: { id: 'missing' } }),
        ),
      ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

      // And the core is fine afterwards.
      expect(await handle(JSON.stringify({ type: 'req', id: '7', method: 'app.info' }))).toMatchObject({
        ok: true,
        id: '7',
        result: { mode: 'serve', dataDir: t.dataDir, pricesAsOf: PRICES_AS_OF },
      });
    } finally {
      await t.close();
    }
  });

  it('refuses every method but session.hello until the connection authenticates', async () => {
    const t = await startTestCore();
    let authed = false;
    const ctx = {
      authenticated: false,
      peer: 'test',
      authenticate: (token: string) => {
        authed = token === 'right';
        if (authed) ctx.authenticated = true;
        return authed;
      },
    };
    try {
      const list = JSON.stringify({ type: 'req', id: 'a', method: 'conversations.list' });
      expect(await t.core.router.handle(list, ctx)).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHENTICATED' },
      });
      const wrong = JSON.stringify({
        type: 'req',
        id: 'b',
        method: 'session.hello',
        params: { token: 'wrong' },
      });
      expect(await t.core.router.handle(wrong, ctx)).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHENTICATED' },
      });
      const right = JSON.stringify({
        type: 'req',
        id: 'c',
        method: 'session.hello',
        params: { token: 'right' },
      });
      expect(await t.core.router.handle(right, ctx)).toMatchObject({ ok: true });
      expect(await t.core.router.handle(list, ctx)).toMatchObject({
        ok: true,
        result: { conversations: [] },
      });
    } finally {
      await t.close();
    }
  });
});
