/**
 * What of the AI SDK the core needs before a model is called, without loading the SDK (half a
 * megabyte of script and OpenTelemetry behind it): defining a tool, wrapping a JSON Schema, and
 * knowing its errors. The SDK's `tool` is the definition itself, `dynamicTool` marks it, a schema
 * and an error carry `Symbol.for` markers, so these are what the SDK's own functions make (see
 * test/core/base/ai-sdk.test.ts); the SDK itself is imported (`await import('ai')`) where a model is called.
 */
import type {
  AISDKError,
  APICallError,
  RetryError,
  dynamicTool as sdkDynamicTool,
  jsonSchema as sdkJsonSchema,
  tool as sdkTool,
} from 'ai';

/** The SDK's `tool()`, typed as it is. */
export const tool = (<T>(definition: T): T => definition) as unknown as typeof sdkTool;

/** The SDK's `dynamicTool()`: the definition, marked dynamic (its input is known only at run time). */
export const dynamicTool = (<T extends object>(definition: T) => ({
  ...definition,
  type: 'dynamic' as const,
})) as unknown as typeof sdkDynamicTool;

/** The SDK's `jsonSchema()`: a JSON Schema wrapped with the marker the SDK recognises a schema by. */
export const jsonSchema = ((schema: unknown, options: { validate?: unknown } = {}) => ({
  [Symbol.for('vercel.ai.schema')]: true,
  _type: undefined,
  get jsonSchema(): unknown {
    if (typeof schema === 'function') schema = (schema as () => unknown)();
    return schema;
  },
  validate: options.validate,
})) as unknown as typeof sdkJsonSchema;

function hasMarker(err: unknown, marker: string): boolean {
  const symbol = Symbol.for(marker);
  return err != null && typeof err === 'object' && (err as Record<symbol, unknown>)[symbol] === true;
}

/** AISDKError.isInstance, APICallError.isInstance and RetryError.isInstance, as the SDK checks them. */
export const isAISDKError = (err: unknown): err is AISDKError => hasMarker(err, 'vercel.ai.error');
export const isAPICallError = (err: unknown): err is APICallError =>
  hasMarker(err, 'vercel.ai.error.AI_APICallError');
export const isRetryError = (err: unknown): err is RetryError =>
  hasMarker(err, 'vercel.ai.error.AI_RetryError');
