/**
 * What of the AI SDK the core needs before a model is called, without loading the SDK (half a
 * megabyte of script and OpenTelemetry behind it): defining a tool, and knowing its errors. The
 * SDK's `tool` is the definition itself and its errors carry `Symbol.for` markers, so these are
 * exact; the SDK itself is imported (`await import('ai')`) where a model is called.
 */
import type { AISDKError, APICallError, RetryError, tool as sdkTool } from 'ai';

/** The SDK's `tool()`, typed as it is. */
export const tool = (<T>(definition: T): T => definition) as unknown as typeof sdkTool;

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
