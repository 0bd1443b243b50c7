import * as sdk from 'ai';
import { APICallError, RetryError } from 'ai';
import { describe, expect, it } from 'vitest';
import {
  dynamicTool,
  isAISDKError,
  isAPICallError,
  isRetryError,
  jsonSchema,
  tool,
} from '../../../src-main/core/base/ai-sdk.js';

const schema = { type: 'object' as const, properties: { q: { type: 'string' as const } }, required: ['q'] };

describe('the AI SDK pieces the core uses without loading the SDK', () => {
  it('tool and dynamicTool make what the SDK makes', () => {
    const definition = { description: 'd', inputSchema: sdk.jsonSchema(schema), execute: async () => 'x' };
    expect(tool(definition)).toBe(sdk.tool(definition));
    expect(dynamicTool(definition)).toEqual(sdk.dynamicTool(definition));
    expect(dynamicTool(definition).type).toBe('dynamic');
  });

  it('jsonSchema makes a schema the SDK recognises, with the same JSON Schema', async () => {
    const ours = jsonSchema(schema);
    expect(sdk.asSchema(ours)).toBe(ours);
    expect(await sdk.asSchema(ours).jsonSchema).toEqual(await sdk.jsonSchema(schema).jsonSchema);
    expect(Object.getOwnPropertySymbols(ours)).toEqual(Object.getOwnPropertySymbols(sdk.jsonSchema(schema)));
  });

  it('knows the SDK errors as its isInstance does, and nothing else', () => {
    const call = new APICallError({
      message: 'HTTP 429',
      url: 'http://x',
      requestBodyValues: {},
      statusCode: 429,
    });
    const retry = new RetryError({ message: 'gave up', reason: 'maxRetriesExceeded', errors: [call] });
    for (const err of [call, retry, new Error('plain'), null, 'text', { name: 'AI_APICallError' }]) {
      expect(isAPICallError(err)).toBe(APICallError.isInstance(err));
      expect(isRetryError(err)).toBe(RetryError.isInstance(err));
      expect(isAISDKError(err)).toBe(sdk.AISDKError.isInstance(err));
    }
    expect(isAPICallError(call) && isRetryError(retry) && isAISDKError(retry)).toBe(true);
  });
});
