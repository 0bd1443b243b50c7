import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toGbnfSchema } from '../../../../src-main/core/agents/local/tool-schema.js';

describe('tool schemas for the grammar', () => {
  it('keeps the shape of a zod schema and drops what a grammar cannot hold', () => {
    const schema = z.toJSONSchema(
      z.object({
        path: z.string().min(1).describe('Where'),
        mode: z.enum(['read', 'write']),
        lines: z.number().int().min(1).optional(),
        tags: z.array(z.string()).max(3),
        when: z.string().regex(/\d+/).nullable(),
      }),
    );
    expect(toGbnfSchema(schema)).toEqual({
      type: 'object',
      properties: {
        path: { type: 'string', minLength: 1, description: 'Where' },
        mode: { enum: ['read', 'write'] },
        lines: { type: 'integer' },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
        when: { oneOf: [{ type: 'string' }, { type: 'null' }] },
      },
      required: ['path', 'mode', 'tags', 'when'],
      additionalProperties: false,
    });
  });

  it('follows $ref into $defs and turns anyOf into oneOf', () => {
    const schema = {
      $defs: { Zone: { type: 'string', format: 'date' } },
      type: 'object',
      properties: { at: { $ref: '#/$defs/Zone' }, either: { anyOf: [{ type: 'boolean' }, { const: 3 }] } },
      required: ['at'],
    };
    expect(toGbnfSchema(schema)).toEqual({
      type: 'object',
      properties: {
        at: { type: 'string', format: 'date' },
        either: { oneOf: [{ type: 'boolean' }, { const: 3 }] },
      },
      required: ['at'],
      additionalProperties: false,
    });
  });
});
