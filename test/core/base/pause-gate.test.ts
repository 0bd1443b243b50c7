import { afterEach, describe, expect, it, vi } from 'vitest';
import { PauseGate } from '../../../src-main/core/base/pause-gate.js';
import { FakeOpenAI } from '../../fixtures/fake-openai.js';
import { startTestCore } from '../../helpers/core.js';
import type { Message } from '../../../src-main/core/protocol/entities.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('pause all agents', () => {
  it('the gate holds waiters until resumed, and lets an aborted waiter go', async () => {
    const gate = new PauseGate();
    await gate.wait();
    gate.pause();
    let passed = false;
    const waiting = gate.wait().then(() => (passed = true));
    const aborted = new AbortController();
    const cancelled = gate.wait(aborted.signal);
    expect(gate.waiting).toBe(2);
    aborted.abort();
    await cancelled;
    // The aborted waiter left; the other is still held, and only resume lets it through.
    expect(gate.waiting).toBe(1);
    expect(passed).toBe(false);
    gate.resume();
    await waiting;
    expect(passed).toBe(true);
    expect(gate.waiting).toBe(0);
  });

  it('a reply sent while paused waits, and answers after resume; the status tells', async () => {
    // Every gate a waiter meets, to see the reply held at one (instead of waiting a while).
    const gates = new Set<PauseGate>();
    const wait = PauseGate.prototype.wait;
    vi.spyOn(PauseGate.prototype, 'wait').mockImplementation(function (this: PauseGate, signal) {
      gates.add(this);
      return wait.call(this, signal);
    });
    const fake = new FakeOpenAI();
    await fake.start();
    const t = await startTestCore();
    try {
      await t.call('providers.save', {
        kind: 'openai-compatible',
        baseUrl: fake.baseUrl,
        defaultModel: 'fake-small',
      });
      expect(await t.call('agents.pause')).toMatchObject({ paused: true });
      const conversation = await t.call('conversations.create', {});
      fake.script({ tokens: ['after the pause'] });
      const sent = await t.call('chat.send', {
        conversationId: conversation.id,
        text: 'hi',
        clientMessageId: 'p',
      });
      await vi.waitFor(() => expect([...gates].some((g) => g.paused && g.waiting === 1)).toBe(true));
      expect(fake.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(0);
      expect(await t.call('agents.status')).toEqual({
        paused: true,
        runningReplies: 1,
        runningTools: 0,
        pendingPermissions: 0,
      });
      await t.call('agents.resume');
      const final = await t.waitFor(
        (f) =>
          f.event === 'message.updated' &&
          (f.payload as { message: Message }).message.id === sent.assistantMessage.id,
      );
      expect((final.payload as { message: Message }).message.content).toBe('after the pause');
      const statuses = t.events.filter((f) => f.event === 'agents.status').map((f) => f.payload);
      expect(statuses[0]).toMatchObject({ status: { paused: true } });
      expect(statuses.at(-1)).toMatchObject({ status: { paused: false } });
    } finally {
      await t.close();
      await fake.stop();
    }
  });
});
