import { z } from 'zod';
import { ERROR_CODES } from './errors.js';
import { lazySchema } from './lazy-schema.js';

/** Frames larger than this are refused with FRAME_TOO_LARGE; the connection stays open. */
export const MAX_FRAME_BYTES = 1024 * 1024;

export const requestFrameSchema = lazySchema(() =>
  z.object({
    type: z.literal('req'),
    id: z.string().min(1).max(128),
    method: z.string().min(1).max(128),
    params: z.unknown().optional(),
  }),
);

export const errorShapeSchema = lazySchema(() =>
  z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
  }),
);

export const responseFrameSchema = lazySchema(() =>
  z.discriminatedUnion('ok', [
    z.object({
      type: z.literal('res'),
      id: z.string().nullable(),
      ok: z.literal(true),
      result: z.unknown(),
    }),
    z.object({
      type: z.literal('res'),
      id: z.string().nullable(),
      ok: z.literal(false),
      error: errorShapeSchema,
    }),
  ]),
);

export const eventFrameSchema = lazySchema(() =>
  z.object({
    type: z.literal('event'),
    event: z.string(),
    payload: z.unknown(),
    seq: z.number().int().nonnegative(),
  }),
);

export type RequestFrame = z.infer<typeof requestFrameSchema>;
export type ResponseFrame = z.infer<typeof responseFrameSchema>;
export type EventFrame = z.infer<typeof eventFrameSchema>;
export type ServerFrame = ResponseFrame | EventFrame;
