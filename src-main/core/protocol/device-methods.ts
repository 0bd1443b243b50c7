import { z } from 'zod';
import { DEVICE_SCOPES, deviceSchema } from './device-entities.js';
import { lazySchema } from './lazy-schema.js';

const id = lazySchema(() => z.string().min(1).max(64));

/** Paired devices: other programs on the gateway with a key pair and a scoped token. */
export const deviceMethods = {
  /** Asked by the program before it has a token: it gets a code to show, the owner approves it. */
  'devices.pair': {
    params: lazySchema(() =>
      z.object({
        name: z.string().trim().min(1).max(60),
        /** Ed25519 public key, SPKI DER in base64url. */
        publicKey: z.string().min(40).max(200),
        scope: z.enum(DEVICE_SCOPES),
      }),
    ),
    result: lazySchema(() => z.object({ deviceId: z.string(), code: z.string() })),
  },
  /**
   * The program picks its token up once approved, proving it holds the key it paired with: an
   * Ed25519 signature (base64url) of `cell0-device-claim:<deviceId>`.
   */
  'devices.claim': {
    params: lazySchema(() => z.object({ deviceId: id, signature: z.string().min(40).max(200) })),
    result: lazySchema(() =>
      z.object({
        state: z.enum(['pending', 'paired', 'refused']),
        token: z.string().nullable(),
        scope: z.enum(DEVICE_SCOPES).nullable(),
      }),
    ),
  },
  'devices.list': {
    params: lazySchema(() => z.object({}).optional()),
    result: lazySchema(() => z.object({ devices: z.array(deviceSchema) })),
  },
  'devices.approve': {
    params: lazySchema(() => z.object({ code: z.string().trim().min(4).max(20) })),
    result: deviceSchema,
  },
  /** Revokes a paired device (its connections are closed at once) or turns a pending one away. */
  'devices.revoke': { params: lazySchema(() => z.object({ id })), result: deviceSchema },
} as const;

export const deviceEvents = {
  'devices.changed': lazySchema(() => z.object({ devices: z.array(deviceSchema) })),
} as const;
