import { z } from 'zod';
import { DEVICE_SCOPES, deviceSchema } from './device-entities.js';

const id = z.string().min(1).max(64);

/** Paired devices: other programs on the gateway with a key pair and a scoped token. */
export const deviceMethods = {
  /** Asked by the program before it has a token: it gets a code to show, the owner approves it. */
  'devices.pair': {
    params: z.object({
      name: z.string().trim().min(1).max(60),
      /** Ed25519 public key, SPKI DER in base64url. */
      publicKey: z.string().min(40).max(200),
      scope: z.enum(DEVICE_SCOPES),
    }),
    result: z.object({ deviceId: z.string(), code: z.string() }),
  },
  /**
   * The program picks its token up once approved, proving it holds the key it paired with: an
   * Ed25519 signature (base64url) of `cell0-device-claim:<deviceId>`.
   */
  'devices.claim': {
    params: z.object({ deviceId: id, signature: z.string().min(40).max(200) }),
    result: z.object({
      state: z.enum(['pending', 'paired', 'refused']),
      token: z.string().nullable(),
      scope: z.enum(DEVICE_SCOPES).nullable(),
    }),
  },
  'devices.list': { params: z.object({}).optional(), result: z.object({ devices: z.array(deviceSchema) }) },
  'devices.approve': {
    params: z.object({ code: z.string().trim().min(4).max(20) }),
    result: deviceSchema,
  },
  /** Revokes a paired device (its connections are closed at once) or turns a pending one away. */
  'devices.revoke': { params: z.object({ id }), result: deviceSchema },
} as const;

export const deviceEvents = {
  'devices.changed': z.object({ devices: z.array(deviceSchema) }),
} as const;
