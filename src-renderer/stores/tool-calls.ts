import { create } from 'zustand';
import type { ToolCall } from '../../src-main/core/protocol/index.js';
import {
  appendOutput,
  applyToolCalls,
  emptyToolCallState,
  type ToolCallState,
} from '../lib/tool-call-state.js';

interface ToolCallsStore extends ToolCallState {
  /** From tool.updated and from tools.list (on open and after a reconnect). */
  upsert(calls: readonly ToolCall[]): void;
  /** A tool.output chunk. */
  appendOutput(toolCallId: string, chunk: string): void;
}

/** Tool calls of every conversation this window has seen, kept across switching conversations. */
export const useToolCalls = create<ToolCallsStore>()((set, get) => {
  function apply(next: ToolCallState): void {
    const { byId, byMessage, streamed } = get();
    if (next.byId !== byId || next.byMessage !== byMessage || next.streamed !== streamed) {
      set({ byId: next.byId, byMessage: next.byMessage, streamed: next.streamed });
    }
  }
  return {
    ...emptyToolCallState,
    upsert: (calls) => apply(applyToolCalls(get(), calls)),
    appendOutput: (toolCallId, chunk) => apply(appendOutput(get(), toolCallId, chunk)),
  };
});

const NONE: readonly string[] = [];

/** Stable empty array, so a reply without tools does not re-render on every store change. */
export function selectMessageToolIds(messageId: string) {
  return (s: ToolCallState): readonly string[] => s.byMessage[messageId] ?? NONE;
}
