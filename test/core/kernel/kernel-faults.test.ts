import { afterEach, describe, expect, it } from 'vitest';
import type { ToolCall } from '../../../src-main/core/protocol/kernel-entities.js';
import { kernelHarness, type KernelHarness } from './kernel-fixture.js';

const open: KernelHarness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

async function setup(): Promise<KernelHarness> {
  const h = await kernelHarness();
  open.push(h);
  return h;
}

const never = new AbortController().signal;

function announced(h: KernelHarness, id: string): ToolCall[] {
  return h.events
    .filter((f) => f.event === 'tool.updated')
    .map((f) => (f.payload as { toolCall: ToolCall }).toolCall)
    .filter((c) => c.id === id);
}

describe('kernel: no raw storage error reaches the model or the owner', () => {
  it('a tool-call id used twice: the second call does not run, says so plainly, and leaves the first as it was', async () => {
    const h = await setup();
    const first = await h.kernel.execute(h.call('call_0', 'list_dir', { path: '.' }), never);
    expect(first.toolCall).toMatchObject({ status: 'done', tool: 'list_dir' });
    const seen = announced(h, 'call_0').length;

    const second = await h.kernel.execute(h.call('call_0', 'read_file', { path: 'missing.txt' }), never);
    expect(second.toolCall).toMatchObject({ status: 'failed', error: { code: 'INTERNAL' } });
    expect(second.toolCall.error?.message).toMatch(/could not record this tool call/);
    expect(second.forModel).toMatch(/^Error \(INTERNAL\): /);
    for (const text of [second.forModel, second.toolCall.error?.message ?? '']) {
      expect(text).not.toMatch(/SQLITE|constraint/i);
    }
    // The first call's card and record are untouched.
    expect(announced(h, 'call_0')).toHaveLength(seen);
    const stored = await h.kernel.list(h.conversationId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ id: 'call_0', tool: 'list_dir', status: 'done' });
  });

  it('a store that refuses the new record: a plain sentence with a stable code; the real error is logged', async () => {
    const h = await setup();
    await h.storage.db.exec(
      `CREATE TRIGGER no_calls BEFORE INSERT ON tool_calls BEGIN SELECT RAISE(ABORT, 'disk I/O trouble'); END;`,
    );
    const { toolCall, forModel } = await h.kernel.execute(h.call('c-1', 'list_dir', { path: '.' }), never);
    expect(toolCall).toMatchObject({ status: 'failed', error: { code: 'INTERNAL' } });
    expect(forModel).toBe(`Error (INTERNAL): ${toolCall.error!.message}`);
    for (const text of [forModel, toolCall.error!.message]) expect(text).not.toMatch(/SQLITE|disk I\/O/);
    expect(h.logged.some((line) => line.startsWith('error') && line.includes('SQLITE_CONSTRAINT'))).toBe(
      true,
    );
    // Shown failed where it happened, and it never ran: nothing in the audit.
    expect(announced(h, 'c-1').at(-1)).toMatchObject({ status: 'failed' });
    expect((await h.audit.list({ limit: 10 })).records).toEqual([]);
  });

  it('a store that fails mid-call: the call ends failed on its card, plainly, and the audit records its end', async () => {
    const h = await setup();
    await h.storage.db.exec(
      `CREATE TRIGGER no_updates BEFORE UPDATE ON tool_calls BEGIN SELECT RAISE(ABORT, 'disk I/O trouble'); END;`,
    );
    const { toolCall, forModel } = await h.kernel.execute(h.call('c-2', 'list_dir', { path: '.' }), never);
    expect(toolCall).toMatchObject({ status: 'failed', error: { code: 'INTERNAL' } });
    expect(forModel).not.toMatch(/SQLITE|disk I\/O/);
    expect(announced(h, 'c-2').at(-1)).toMatchObject({ status: 'failed', error: { code: 'INTERNAL' } });
    const kinds = (await h.audit.list({ limit: 10 })).records.map((r) => [r.kind, r.outcome]).reverse();
    expect(kinds).toEqual([
      ['tool.call', 'started (sandboxed)'],
      ['tool.result', 'failed (INTERNAL)'],
    ]);
    expect(h.logged.filter((line) => line.includes('SQLITE_CONSTRAINT')).length).toBeGreaterThanOrEqual(1);
  });
});
