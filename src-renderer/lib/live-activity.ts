import type { ErrorShape, EventPayload } from '../../src-main/core/protocol/index.js';

/** The core is waiting before it asks the provider again. */
export interface RetryNotice {
  attempt: number;
  maxAttempts: number;
  /** Epoch ms when the next attempt starts. */
  retryAt: number;
  error: ErrorShape;
}

export interface ToolCallRequest {
  toolCallId: string;
  toolName: string;
  input: unknown;
}

/** What a streaming reply is doing besides writing text; live only, never stored. */
export interface LiveActivity {
  conversationId: string;
  retrying: RetryNotice | null;
  toolCalls: ToolCallRequest[];
}

export type LiveMap = Readonly<Record<string, LiveActivity>>;

function entry(map: LiveMap, messageId: string, conversationId: string): LiveActivity {
  return map[messageId] ?? { conversationId, retrying: null, toolCalls: [] };
}

export function applyRetrying(map: LiveMap, e: EventPayload<'message.retrying'>, now: number): LiveMap {
  const current = entry(map, e.messageId, e.conversationId);
  const retrying: RetryNotice = {
    attempt: e.attempt,
    maxAttempts: e.maxAttempts,
    retryAt: now + e.waitMs,
    error: e.error,
  };
  return { ...map, [e.messageId]: { ...current, retrying } };
}

/** A repeated event (reconnect, twin delivery) for the same tool call is shown once. */
export function applyToolCall(map: LiveMap, e: EventPayload<'message.toolCall'>): LiveMap {
  const current = entry(map, e.messageId, e.conversationId);
  if (current.toolCalls.some((t) => t.toolCallId === e.toolCallId)) return map;
  const call: ToolCallRequest = { toolCallId: e.toolCallId, toolName: e.toolName, input: e.input };
  return { ...map, [e.messageId]: { ...current, retrying: null, toolCalls: [...current.toolCalls, call] } };
}

/** Text arrived or the reply finished: the wait is over. Returns the same map when nothing changes. */
export function clearRetrying(map: LiveMap, messageId: string): LiveMap {
  const current = map[messageId];
  if (!current?.retrying) return map;
  return { ...map, [messageId]: { ...current, retrying: null } };
}

/**
 * "Rate limited — retrying in 4 s (attempt 2 of 3)"; "retrying now" once the wait is over, and
 * "retrying shortly" without a clock (for screen readers, which should not hear every second).
 */
export function describeRetry(notice: RetryNotice, now?: number): string {
  const reason = notice.error.code === 'PROVIDER_RATE_LIMITED' ? 'Rate limited' : 'The provider is busy';
  const seconds = now === undefined ? null : Math.ceil(Math.max(0, notice.retryAt - now) / 1000);
  let when = 'retrying shortly';
  if (seconds !== null) when = seconds > 0 ? `retrying in ${seconds} s` : 'retrying now';
  return `${reason} — ${when} (attempt ${notice.attempt} of ${notice.maxAttempts})`;
}

/** `get_weather({"city":"Lisbon"})`, cut short for the compact card; the full input goes in a tooltip. */
export function formatToolCall(call: ToolCallRequest, maxInput = 160): { short: string; full: string } {
  let input: string;
  try {
    input = call.input === undefined ? '' : (JSON.stringify(call.input) ?? String(call.input));
  } catch {
    input = String(call.input);
  }
  const full = `${call.toolName}(${input})`;
  const clipped = input.length > maxInput ? `${input.slice(0, maxInput)}…` : input;
  return { short: `${call.toolName}(${clipped})`, full };
}
