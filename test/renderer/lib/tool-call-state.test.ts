import { describe, expect, it } from 'vitest';
import {
  appendOutput,
  applyToolCalls,
  countRunning,
  emptyToolCallState,
  terminalText,
} from '../../../src-renderer/lib/tool-call-state.js';
import { toolCall } from '../kernel-fixture.js';

describe('tool call state', () => {
  it('keeps the calls of a reply in call order whatever order they arrive in', () => {
    let s = applyToolCalls(emptyToolCallState, [toolCall('b', { startedAt: 20 })]);
    s = applyToolCalls(s, [
      toolCall('a', { startedAt: 10 }),
      toolCall('c', { startedAt: 30, messageId: 'm2' }),
    ]);
    expect(s.byMessage.m1).toEqual(['a', 'b']);
    expect(s.byMessage.m2).toEqual(['c']);
  });

  it('never moves a finished call back to running when a stale snapshot arrives after the event', () => {
    let s = applyToolCalls(emptyToolCallState, [toolCall('a', { status: 'done', exitCode: 0, endedAt: 5 })]);
    s = applyToolCalls(s, [toolCall('a', { status: 'running' })]);
    expect(s.byId.a?.status).toBe('done');
    s = applyToolCalls(s, [toolCall('a', { status: 'waiting-permission' })]);
    expect(s.byId.a?.status).toBe('done');
  });

  it('moves forward from waiting for permission to running to a final state', () => {
    let s = applyToolCalls(emptyToolCallState, [toolCall('a', { status: 'waiting-permission' })]);
    s = applyToolCalls(s, [toolCall('a', { status: 'running' })]);
    expect(s.byId.a?.status).toBe('running');
    s = applyToolCalls(s, [toolCall('a', { status: 'limit', limit: 'cpu', endedAt: 9 })]);
    expect(s.byId.a?.limit).toBe('cpu');
  });

  it('returns the same state for a repeated event, so nothing re-renders', () => {
    const s = applyToolCalls(emptyToolCallState, [toolCall('a')]);
    expect(applyToolCalls(s, [toolCall('a')])).toBe(s);
  });

  it('keeps output chunks that arrive before the call itself', () => {
    let s = appendOutput(emptyToolCallState, 'a', 'hel');
    s = appendOutput(s, 'a', 'lo');
    s = applyToolCalls(s, [toolCall('a')]);
    expect(terminalText(s.byId.a!, s.streamed.a)).toBe('hello');
  });

  it('stops collecting live output at the cap and says it was cut', () => {
    let s = appendOutput(emptyToolCallState, 'a', '12345', 8);
    s = appendOutput(s, 'a', '6789', 8);
    expect(s.streamed.a).toEqual({ text: '12345678', truncated: true });
    expect(appendOutput(s, 'a', 'more', 8)).toBe(s);
  });

  it('shows the stored output once the call ended, and the stream while it runs', () => {
    const streamed = { text: 'partial', truncated: false };
    expect(terminalText(toolCall('a', { status: 'running', output: '' }), streamed)).toBe('partial');
    expect(terminalText(toolCall('a', { status: 'done', output: 'full output' }), streamed)).toBe(
      'full output',
    );
    expect(terminalText(toolCall('a', { status: 'done', output: '' }), streamed)).toBe('partial');
    expect(terminalText(toolCall('a', { status: 'done', output: 'after reload' }), undefined)).toBe(
      'after reload',
    );
  });

  it('counts running calls', () => {
    const s = applyToolCalls(emptyToolCallState, [
      toolCall('a'),
      toolCall('b', { status: 'done', endedAt: 2 }),
      toolCall('c'),
    ]);
    expect(countRunning(s)).toBe(2);
  });
});
