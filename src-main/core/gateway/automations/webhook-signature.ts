import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names as Node gives them: lower case; a repeated header arrives as an array. */
export type Headers = Record<string, string | string[] | undefined>;

export type HookAuth = 'hmac' | 'bearer';

/** How long a Standard Webhooks timestamp stays good, either way of now (the spec suggests 5 minutes). */
export const DEFAULT_TOLERANCE_MS = 5 * 60_000;

export type Verdict =
  | { ok: true; scheme: 'github' | 'standard-webhooks' | 'bearer'; deliveryId: string | null }
  | { ok: false; reason: string };

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Standard Webhooks secrets are `whsec_` + base64 of the key; any other secret is its own bytes. */
function standardKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

/** GitHub's form: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`. */
export function githubSignature(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** The Standard Webhooks form: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. */
export function standardSignature(secret: string, id: string, timestampS: number, body: Buffer): string {
  const mac = createHmac('sha256', standardKey(secret))
    .update(`${id}.${timestampS}.`)
    .update(body)
    .digest('base64');
  return `v1,${mac}`;
}

/**
 * Checks one delivery against the hook's secret, over the raw body exactly as it arrived. An
 * HMAC hook takes GitHub's header or the Standard Webhooks headers (whichever came); a bearer
 * hook takes `Authorization: Bearer <secret>`. Pure: the time is given.
 */
export function verifyDelivery(input: {
  auth: HookAuth;
  secret: string;
  headers: Headers;
  body: Buffer;
  nowMs: number;
  toleranceMs?: number;
}): Verdict {
  const { headers, body, secret } = input;
  const idHeader = header(headers, 'idempotency-key') ?? header(headers, 'x-delivery-id') ?? null;
  if (input.auth === 'bearer') {
    const given = /^Bearer\s+(.+)$/i.exec(header(headers, 'authorization') ?? '')?.[1]?.trim();
    if (!given) return { ok: false, reason: 'no Authorization: Bearer header' };
    if (!sameBytes(Buffer.from(given), Buffer.from(secret)))
      return { ok: false, reason: 'wrong bearer secret' };
    return { ok: true, scheme: 'bearer', deliveryId: idHeader };
  }
  const github = header(headers, 'x-hub-signature-256');
  if (github !== undefined) {
    if (!sameBytes(Buffer.from(github.trim()), Buffer.from(githubSignature(secret, body)))) {
      return { ok: false, reason: 'X-Hub-Signature-256 does not match the body' };
    }
    return { ok: true, scheme: 'github', deliveryId: header(headers, 'x-github-delivery') ?? idHeader };
  }
  const signatures = header(headers, 'webhook-signature');
  if (signatures !== undefined) {
    const id = header(headers, 'webhook-id');
    const timestamp = header(headers, 'webhook-timestamp');
    if (!id || !timestamp || !/^\d{1,12}$/.test(timestamp)) {
      return { ok: false, reason: 'webhook-id or webhook-timestamp missing or malformed' };
    }
    const tolerance = input.toleranceMs ?? DEFAULT_TOLERANCE_MS;
    if (Math.abs(input.nowMs - Number(timestamp) * 1000) > tolerance) {
      return {
        ok: false,
        reason: `webhook-timestamp is more than ${Math.round(tolerance / 1000)} s from now`,
      };
    }
    const expected = Buffer.from(standardSignature(secret, id, Number(timestamp), body));
    // Several space-separated signatures may come during a key rotation: one match is enough.
    const matched = signatures
      .split(' ')
      .filter((s) => s.startsWith('v1,'))
      .some((s) => sameBytes(Buffer.from(s), expected));
    if (!matched) return { ok: false, reason: 'webhook-signature does not match the body' };
    return { ok: true, scheme: 'standard-webhooks', deliveryId: id };
  }
  return { ok: false, reason: 'no X-Hub-Signature-256 or webhook-signature header' };
}
