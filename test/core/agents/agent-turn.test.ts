import { describe, expect, it } from 'vitest';
import { swarmResponder } from '../../fixtures/swarm-script.js';
import { coreWithFakeProvider } from '../../helpers/core.js';
import type { Message } from '../../../src-main/core/protocol/entities.js';
import type { EventPayload } from '../../../src-main/core/protocol/events.js';
import type { ToolCall } from '../../../src-main/core/protocol/kernel-entities.js';
import type { SwarmEvent, SwarmRun } from '../../../src-main/core/protocol/swarm-entities.js';

const env = coreWithFakeProvider();

function replyEnd(messageId: string): Promise<Message> {
  return env.t
    .waitFor(
      (f) =>
        f.event === 'message.updated' &&
        (f.payload as { message: Message }).message.id === messageId &&
        (f.payload as { message: Message }).message.status !== 'streaming',
    )
    .then((f) => (f.payload as { message: Message }).message);
}

async function chat(text: string, conversationId?: string): Promise<Message> {
  const id = conversationId ?? (await env.t.call('conversations.create', {})).id;
  const sent = await env.t.call('chat.send', {
    conversationId: id,
    text,
    clientMessageId: crypto.randomUUID(),
  });
  return replyEnd(sent.assistantMessage.id);
}

/** Each tool call's last state, by id. */
const toolCalls = (): ToolCall[] => {
  const byId = new Map<string, ToolCall>();
  for (const f of env.t.events) {
    if (f.event === 'tool.updated') {
      const { toolCall } = f.payload as EventPayload<'tool.updated'>;
      byId.set(toolCall.id, toolCall);
    }
  }
  return [...byId.values()];
};

describe('the one agent turn', () => {
  it('a swarm worker waits out a 429 with Retry-After exactly as a chat reply does', async () => {
    // A chat reply: refused once with Retry-After: 1, then answered.
    env.fake.script({ status: 429, retryAfterSeconds: 1 }, { tokens: ['Chat ', 'answer.'] });
    const reply = await chat('Hello');
    expect(reply).toMatchObject({ status: 'complete', content: 'Chat answer.' });
    const chatWait = env.t.events.find((f) => f.event === 'message.retrying')!
      .payload as EventPayload<'message.retrying'>;

    // A swarm worker refused the same way.
    const responder = swarmResponder({
      plan: [{ id: 'w', title: 'Worker' }],
      workers: { w: { replies: [{ status: 429, retryAfterSeconds: 1 }, { tokens: ['Worker answer.'] }] } },
      merge: 'Merged.',
    });
    env.fake.responder = responder.respond;
    const conv = await env.t.call('conversations.create', {});
    const { run } = await env.t.call('swarm.start', {
      conversationId: conv.id,
      task: 'Do it.',
      clientMessageId: 's1',
    });
    const end = (
      await env.t.waitFor(
        (f) =>
          f.event === 'swarm.updated' &&
          (f.payload as { run: SwarmRun }).run.id === run.id &&
          ['done', 'failed', 'stopped'].includes((f.payload as { run: SwarmRun }).run.status),
      )
    ).payload as { run: SwarmRun };
    expect(end.run.status).toBe('done');
    const events = env.t.events
      .filter((f) => f.event === 'swarm.event')
      .map((f) => (f.payload as { event: SwarmEvent }).event)
      .filter((e) => e.runId === run.id);
    const swarmWait = events.find((e) => e.type === 'agent.waiting') as Extract<
      SwarmEvent,
      { type: 'agent.waiting' }
    >;
    expect(swarmWait).toBeDefined();
    // The same wait, the same attempt count, the same reason.
    expect({
      attempt: swarmWait.attempt,
      maxAttempts: swarmWait.maxAttempts,
      waitMs: swarmWait.waitMs,
      code: swarmWait.error.code,
    }).toEqual({
      attempt: chatWait.attempt,
      maxAttempts: chatWait.maxAttempts,
      waitMs: chatWait.waitMs,
      code: chatWait.error.code,
    });
    expect(chatWait).toMatchObject({ attempt: 2, waitMs: 1000, error: { code: 'PROVIDER_RATE_LIMITED' } });
    // Waited out inside the worker's turn: no second attempt of the worker itself.
    const { agents } = await env.t.call('swarm.get', { runId: run.id });
    expect(agents.find((a) => a.title === 'Worker')).toMatchObject({
      status: 'done',
      attempt: 1,
      output: 'Worker answer.',
    });
    expect(responder.calls.get('w')).toBe(2);
  });

  it('works with a provider that gives every tool call the same id, across steps, replies and conversations', async () => {
    const sameId = { id: 'call_0', name: 'list_dir', input: { path: '.' } };
    env.fake.script(
      // Two steps of one reply, both call_0, then the answer.
      { toolCalls: [sameId] },
      { toolCalls: [sameId] },
      { tokens: ['First.'] },
      // Another reply in the same conversation, and one in another conversation.
      { toolCalls: [sameId] },
      { tokens: ['Second.'] },
      { toolCalls: [sameId] },
      { tokens: ['Third.'] },
    );
    const first = await chat('List it twice.');
    const second = await chat('Again.', first.conversationId);
    const third = await chat('Elsewhere.');
    expect([first, second, third].map((m) => [m.status, m.content])).toEqual([
      ['complete', 'First.'],
      ['complete', 'Second.'],
      ['complete', 'Third.'],
    ]);
    const ended = toolCalls();
    expect(ended).toHaveLength(4);
    expect(ended.map((c) => [c.status, c.error])).toEqual(Array(4).fill(['done', null]));
    // What the model was told about each call: the listing, never a storage error.
    const toolResults = env.fake.requests
      .flatMap((r) => (r.body as { messages?: { role: string; content: unknown }[] }).messages ?? [])
      .filter((m) => m.role === 'tool')
      .map((m) => JSON.stringify(m.content));
    expect(toolResults.length).toBeGreaterThanOrEqual(4);
    for (const text of toolResults) expect(text).not.toMatch(/SQLITE|constraint/i);
  });
});
