import { afterEach, describe, expect, it } from 'vitest';
import type { HostedCall } from '../../../src-main/core/kernel/types.js';
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

function hosted(h: KernelHarness, toolCallId: string, display: string): HostedCall {
  return {
    conversationId: h.conversationId,
    messageId: 'm1',
    toolCallId,
    tool: 'notes.add',
    args: { text: display },
    display,
    why: 'A note is kept for later.',
    reason: null,
  };
}

/** A hosted tool's work, counting how often it ran. */
function work(result = 'added') {
  const ran: AbortSignal[] = [];
  return { ran, run: async (signal: AbortSignal) => (ran.push(signal), result) };
}

async function auditTrail(h: KernelHarness): Promise<[string, string, string][]> {
  const { records } = await h.audit.list({ limit: 20 });
  return records.map((r) => [r.kind, r.actor, r.outcome] as [string, string, string]).reverse();
}

describe('kernel.executeHosted: tools that run in Cell 0 under the same law', () => {
  it('asks by default, runs only once the owner allows, audits both ends and shows where it ran', async () => {
    const h = await setup();
    const { ran, run } = work('{"added":1}');
    const pending = h.kernel.executeHosted(hosted(h, 'n1', 'Buy\u200b milk\nand bread'), run, never);
    const request = await h.nextRequest();
    expect(request).toMatchObject({
      tool: 'notes.add',
      display: 'Buy\\u{200B} milk⏎\nand bread',
      workspace: null,
      network: false,
      unsandboxed: false,
      preview: null,
      proposedPattern: '*',
      why: 'A note is kept for later.',
    });
    expect(ran).toHaveLength(0);
    await h.permissions.respond(request.id, 'allow-once');
    const { toolCall, forModel } = await pending;
    expect(ran).toHaveLength(1);
    expect(forModel).toBe('{"added":1}');
    expect(toolCall).toMatchObject({
      tool: 'notes.add',
      status: 'done',
      hosted: true,
      sandboxed: false,
      output: '{"added":1}',
      summary: 'Buy\\u{200B} milk\nand bread',
    });
    expect(toolCall.runningSince).toBeGreaterThanOrEqual(request.createdAt);
    expect(await h.kernel.list(h.conversationId)).toEqual([toolCall]);
    expect(await auditTrail(h)).toEqual([
      ['permission.grant', 'owner', 'allow-once'],
      ['tool.call', `agent:${h.conversationId}`, 'started (in Cell 0)'],
      ['tool.result', 'kernel', 'done'],
    ]);
  });

  it('denied, or withdrawn by stop all, it never runs', async () => {
    const h = await setup();
    const { ran, run } = work();
    const denied = h.kernel.executeHosted(hosted(h, 'n1', 'one'), run, never);
    await h.permissions.respond((await h.nextRequest()).id, 'deny');
    expect((await denied).toolCall).toMatchObject({ status: 'denied', error: { code: 'PERMISSION_DENIED' } });

    const stopped = h.kernel.executeHosted(hosted(h, 'n2', 'two'), run, never);
    await h.nextRequest();
    expect(h.kernel.runningCount()).toBe(1);
    h.kernel.stopAll();
    expect((await stopped).toolCall).toMatchObject({ status: 'cancelled' });
    expect(ran).toHaveLength(0);
    expect((await auditTrail(h)).map(([kind]) => kind)).toEqual(['permission.deny']);
  });

  it('always allow keeps a signed rule for the hosted tool: what it covers runs unasked, the rest asks', async () => {
    const h = await setup();
    const { ran, run } = work();
    const first = h.kernel.executeHosted(hosted(h, 'n1', 'Ada likes tea'), run, never);
    await h.permissions.respond((await h.nextRequest()).id, 'allow-always', 'Ada *');
    await first;
    expect(h.permissions.rules()).toEqual([
      expect.objectContaining({ tool: 'notes.add', pattern: 'Ada *', decision: 'allow', valid: true }),
    ]);
    const covered = await h.kernel.executeHosted(hosted(h, 'n2', 'Ada walks daily'), run, never);
    expect(covered.toolCall.status).toBe('done');
    expect(ran).toHaveLength(2);
    const other = h.kernel.executeHosted(hosted(h, 'n3', 'Bob likes coffee'), run, never);
    const asked = await h.nextRequest();
    expect(asked.display).toBe('Bob likes coffee');
    await h.permissions.respond(asked.id, 'deny');
    await other;
    expect(ran).toHaveLength(2);
  });

  it('a hosted tool that fails: the model gets a plain sentence, the log the real error, the audit its end', async () => {
    const h = await setup();
    const pending = h.kernel.executeHosted(
      hosted(h, 'n1', 'x'),
      async () => {
        throw new Error('SQLITE_BUSY: database is locked');
      },
      never,
    );
    await h.permissions.respond((await h.nextRequest()).id, 'allow-once');
    const { toolCall, forModel } = await pending;
    expect(toolCall).toMatchObject({ status: 'failed', error: { code: 'INTERNAL' } });
    expect(forModel).toMatch(/^Error \(INTERNAL\): /);
    expect(forModel).not.toMatch(/SQLITE/);
    expect(h.logged.some((line) => line.includes('SQLITE_BUSY'))).toBe(true);
    expect((await auditTrail(h)).at(-1)).toEqual(['tool.result', 'kernel', 'failed (INTERNAL)']);
  });
});
