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

function latest(h: KernelHarness, id: string): ToolCall | undefined {
  return h.events
    .filter((f) => f.event === 'tool.updated')
    .map((f) => (f.payload as { toolCall: ToolCall }).toolCall)
    .filter((c) => c.id === id)
    .at(-1);
}

describe('kernel.execute: one built-in call', () => {
  it('a file tool pointed outside the workspace is refused at once with the reason, never asked, and audited', async () => {
    const h = await setup();
    const { toolCall, forModel } = await h.kernel.execute(
      h.call('out', 'read_file', { path: '/etc/hostname' }),
      never,
    );
    expect(toolCall).toMatchObject({
      tool: 'read_file',
      status: 'denied',
      error: { code: 'OUTSIDE_WORKSPACE', message: expect.stringContaining('/etc/hostname') },
      runningSince: null,
    });
    expect(forModel).toMatch(/^Error \(OUTSIDE_WORKSPACE\): read_file cannot reach \/etc\/hostname/);
    expect(h.events.some((f) => f.event === 'permission.requested')).toBe(false);
    const { records } = await h.audit.list({ limit: 10 });
    expect(records.map((r) => [r.kind, r.actor])).toEqual([['permission.deny', 'kernel']]);
    expect(records[0]!.outcome).toMatch(/^refused \(OUTSIDE_WORKSPACE\)/);
  });

  it('counts its running time from the start of its execution, not from the permission request', async () => {
    const h = await setup();
    const pending = h.kernel.execute(h.call('timed', 'shell', { command: 'echo timed' }), never);
    const request = await h.nextRequest();
    expect(latest(h, 'timed')).toMatchObject({ status: 'waiting-permission', runningSince: null });
    const answeredAt = Date.now();
    await h.permissions.respond(request.id, 'allow-once');
    const { toolCall } = await pending;
    expect(toolCall.status).toBe('done');
    expect(toolCall.startedAt).toBeLessThanOrEqual(request.createdAt);
    expect(toolCall.runningSince).toBeGreaterThanOrEqual(answeredAt);
    expect(toolCall.endedAt).toBeGreaterThanOrEqual(toolCall.runningSince!);
    // Kept, so the card shows the same duration after a reload.
    expect(await h.kernel.list(h.conversationId)).toEqual([toolCall]);
  });
});
