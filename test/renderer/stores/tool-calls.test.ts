import { describe, expect, it } from 'vitest';
import { selectMessageToolIds, useToolCalls } from '../../../src-renderer/stores/tool-calls.js';
import { toolCall } from '../kernel-fixture.js';

describe('tool calls store', () => {
  it('does not notify subscribers for an update that changes nothing', () => {
    useToolCalls.getState().upsert([toolCall('s1', { messageId: 'ms' })]);
    let notified = 0;
    const unsubscribe = useToolCalls.subscribe(() => notified++);
    useToolCalls.getState().upsert([toolCall('s1', { messageId: 'ms' })]);
    useToolCalls.getState().appendOutput('s1', '');
    unsubscribe();
    expect(notified).toBe(0);
  });

  it('gives a reply without tools the same empty list every time', () => {
    const select = selectMessageToolIds('none');
    expect(select(useToolCalls.getState())).toBe(select(useToolCalls.getState()));
  });

  it('follows a call from the list answer through live updates and output', () => {
    const store = useToolCalls.getState();
    store.upsert([toolCall('s2', { messageId: 'ms2', status: 'waiting-permission' })]);
    store.upsert([toolCall('s2', { messageId: 'ms2', status: 'running' })]);
    useToolCalls.getState().appendOutput('s2', 'out');
    useToolCalls.getState().upsert([toolCall('s2', { messageId: 'ms2', status: 'waiting-permission' })]);
    const s = useToolCalls.getState();
    expect(s.byId.s2?.status).toBe('running');
    expect(s.streamed.s2?.text).toBe('out');
    expect(s.byMessage.ms2).toEqual(['s2']);
  });
});
