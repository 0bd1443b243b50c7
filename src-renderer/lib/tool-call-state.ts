import type { ToolCall, ToolCallStatus } from '../../src-main/core/protocol/index.js';

/** Live terminal text of a running tool, as tool.output chunks arrive. */
export interface StreamedOutput {
  text: string;
  /** The cap was reached; later chunks are dropped from the view (the stored output still has them). */
  truncated: boolean;
}

export interface ToolCallState {
  byId: Readonly<Record<string, ToolCall>>;
  /** Tool call ids of each assistant message, in call order. */
  byMessage: Readonly<Record<string, readonly string[]>>;
  /** Keyed by tool call id; chunks may arrive before the call's own tool.updated does. */
  streamed: Readonly<Record<string, StreamedOutput>>;
}

export const emptyToolCallState: ToolCallState = { byId: {}, byMessage: {}, streamed: {} };

/** A window holding a day of shell output must not grow without bound. */
export const STREAM_CAP_CHARS = 1_000_000;

const STAGE: Record<ToolCallStatus, number> = {
  'waiting-permission': 0,
  running: 1,
  done: 2,
  failed: 2,
  denied: 2,
  limit: 2,
  cancelled: 2,
};

export function isFinal(status: ToolCallStatus): boolean {
  return STAGE[status] === 2;
}

/**
 * Events and list answers can cross (tools.list sent before a tool.updated, answered after it):
 * a call never moves back to an earlier stage, so a stale snapshot cannot revive a finished call.
 */
function supersedes(prev: ToolCall, next: ToolCall): boolean {
  const a = STAGE[prev.status];
  const b = STAGE[next.status];
  if (a !== b) return b > a;
  if (a === 2) return (next.endedAt ?? 0) >= (prev.endedAt ?? 0);
  return true;
}

function same(a: ToolCall, b: ToolCall): boolean {
  return (
    a.status === b.status &&
    a.output === b.output &&
    a.exitCode === b.exitCode &&
    a.limit === b.limit &&
    a.error?.code === b.error?.code &&
    a.error?.message === b.error?.message &&
    a.endedAt === b.endedAt &&
    a.sandboxed === b.sandboxed &&
    a.network === b.network &&
    a.summary === b.summary &&
    a.messageId === b.messageId
  );
}

function order(ids: readonly string[], byId: Readonly<Record<string, ToolCall>>): string[] {
  return [...ids].sort((x, y) => {
    const a = byId[x];
    const b = byId[y];
    if (!a || !b) return 0;
    return a.startedAt - b.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
}

/** Returns the same state object when nothing changed, so subscribers do not re-render. */
export function applyToolCalls(state: ToolCallState, calls: readonly ToolCall[]): ToolCallState {
  let byId = state.byId;
  let byMessage = state.byMessage;
  for (const call of calls) {
    const prev = byId[call.id];
    if (prev && (!supersedes(prev, call) || same(prev, call))) continue;
    byId = { ...byId, [call.id]: call };
    const ids = byMessage[call.messageId] ?? [];
    if (!prev || !ids.includes(call.id)) {
      byMessage = { ...byMessage, [call.messageId]: order([...ids, call.id], byId) };
    }
  }
  if (byId === state.byId) return state;
  return { ...state, byId, byMessage };
}

export function appendOutput(
  state: ToolCallState,
  toolCallId: string,
  chunk: string,
  cap = STREAM_CAP_CHARS,
): ToolCallState {
  if (chunk === '') return state;
  const prev = state.streamed[toolCallId] ?? { text: '', truncated: false };
  if (prev.truncated) return state;
  const room = cap - prev.text.length;
  const next: StreamedOutput =
    chunk.length <= room
      ? { text: prev.text + chunk, truncated: false }
      : { text: prev.text + chunk.slice(0, Math.max(0, room)), truncated: true };
  return { ...state, streamed: { ...state.streamed, [toolCallId]: next } };
}

/**
 * What the terminal shows: the live stream while the call runs; once it ended, the stored output
 * (what the model received), unless only the stream has text. After a reload only the stored one exists.
 */
export function terminalText(call: ToolCall, streamed: StreamedOutput | undefined): string {
  if (isFinal(call.status) && call.output !== '') return call.output;
  if (streamed && streamed.text !== '') return streamed.text;
  return call.output;
}

/** How many calls are running now, among those this window has heard of. */
export function countRunning(state: ToolCallState): number {
  let n = 0;
  for (const call of Object.values(state.byId)) if (call.status === 'running') n++;
  return n;
}
