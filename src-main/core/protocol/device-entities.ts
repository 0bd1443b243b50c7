import { z } from 'zod';
import { lazySchema } from './lazy-schema.js';

/**
 * What a paired device may do: read-only (lists and reads), chat (that and sending messages), or
 * full (everything a window may, except managing devices, which stays with the owner's window).
 */
export const DEVICE_SCOPES = ['read-only', 'chat', 'full'] as const;
export type DeviceScope = (typeof DEVICE_SCOPES)[number];

export const deviceSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    scope: z.enum(DEVICE_SCOPES),
    state: z.enum(['pending', 'paired', 'revoked']),
    /** The code `cell0 pair` printed, shown while it waits for the owner. */
    code: z.string().nullable(),
    /** SHA-256 of the device's public key, short: what the owner compares. */
    fingerprint: z.string(),
    createdAt: z.number(),
    approvedAt: z.number().nullable(),
    lastSeen: z.number().nullable(),
    revokedAt: z.number().nullable(),
  }),
);
export type Device = z.infer<typeof deviceSchema>;
