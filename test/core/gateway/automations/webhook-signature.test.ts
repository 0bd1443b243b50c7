import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  githubSignature,
  standardSignature,
  verifyDelivery,
} from '../../../../src-main/core/gateway/automations/webhook-signature.js';

const body = Buffer.from('{"hello":"world"}');
const now = Date.parse('2026-01-10T12:00:00Z');
const nowS = Math.floor(now / 1000);

describe('webhook signatures', () => {
  it('matches GitHub’s documented HMAC-SHA256 hex form', () => {
    const expected = createHmac('sha256', 'secret').update(body).digest('hex');
    expect(githubSignature('secret', body)).toBe(`sha256=${expected}`);
    const headers = { 'x-hub-signature-256': `sha256=${expected}`, 'x-github-delivery': 'g-1' };
    expect(verifyDelivery({ auth: 'hmac', secret: 'secret', headers, body, nowMs: now })).toEqual({
      ok: true,
      scheme: 'github',
      deliveryId: 'g-1',
    });
  });

  it('refuses a body changed by one byte', () => {
    const headers = { 'x-hub-signature-256': githubSignature('secret', body) };
    const changed = Buffer.from(body);
    changed[3] = changed[3]! ^ 1;
    expect(verifyDelivery({ auth: 'hmac', secret: 'secret', headers, body: changed, nowMs: now }).ok).toBe(
      false,
    );
  });

  it('decodes a whsec_ key and accepts any one of several signatures (key rotation)', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const secret = `whsec_${key.toString('base64')}`;
    const mac = createHmac('sha256', key).update(`msg_1.${nowS}.`).update(body).digest('base64');
    expect(standardSignature(secret, 'msg_1', nowS, body)).toBe(`v1,${mac}`);
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(nowS),
      'webhook-signature': `v1,c3RhbGU= v1,${mac}`,
    };
    expect(verifyDelivery({ auth: 'hmac', secret, headers, body, nowMs: now })).toMatchObject({
      ok: true,
      scheme: 'standard-webhooks',
      deliveryId: 'msg_1',
    });
  });

  it('refuses a timestamp outside the tolerance either way, though the signature is right', () => {
    for (const skew of [-301, 301]) {
      const ts = nowS + skew;
      const headers = {
        'webhook-id': 'm',
        'webhook-timestamp': String(ts),
        'webhook-signature': standardSignature('s3cret-s3cret', 'm', ts, body),
      };
      const verdict = verifyDelivery({ auth: 'hmac', secret: 's3cret-s3cret', headers, body, nowMs: now });
      expect(verdict).toMatchObject({ ok: false, reason: expect.stringContaining('timestamp') });
    }
  });

  it('refuses a delivery with no signature at all, and a bearer hook without the header', () => {
    expect(verifyDelivery({ auth: 'hmac', secret: 's', headers: {}, body, nowMs: now }).ok).toBe(false);
    expect(verifyDelivery({ auth: 'bearer', secret: 's', headers: {}, body, nowMs: now }).ok).toBe(false);
    expect(
      verifyDelivery({
        auth: 'bearer',
        secret: 's',
        headers: { authorization: 'Bearer s' },
        body,
        nowMs: now,
      }).ok,
    ).toBe(true);
  });
});
