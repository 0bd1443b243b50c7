import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PermissionRequest, ToolCall } from '../../../src-main/core/protocol/kernel-entities.js';
import type { EventFrame } from '../../../src-main/core/protocol/frames.js';
import type { UsedMemory } from '../../../src-main/core/protocol/memory-entities.js';
import { FakeOpenAI } from '../../fixtures/fake-openai.js';
import {
  addExchange,
  eventsNamed,
  openMemoryFixture,
  sendAndWait,
  useModel,
  waitForEvent,
  type MemoryFixture,
} from './memory-fixture.js';

const BUDGET = 1500;

let fake: FakeOpenAI;
let f: MemoryFixture;

beforeEach(async () => {
  fake = new FakeOpenAI();
  await fake.start();
  f = await openMemoryFixture({ contextTokens: BUDGET });
  await useModel(f, fake.baseUrl);
  await f.settings.setPersona({ name: 'Ada', character: 'Calm and brief.' });
});

afterEach(async () => {
  await f.remove();
  await fake.stop();
});

interface SentMessage {
  role: string;
  content: string;
}

/** What the model was told about the last tool call. */
function toolResult(): string {
  const tool = chatRequests()
    .at(-1)!
    .filter((m) => m.role === 'tool')
    .at(-1)!;
  return typeof tool.content === 'string' ? tool.content : JSON.stringify(tool.content);
}

/** The card waiting for the owner: shown already, or the next one shown. */
function nextRequest(fixture: MemoryFixture): Promise<PermissionRequest> {
  const waiting = (e: EventFrame) =>
    e.event === 'permission.requested' &&
    fixture.permissions
      .pending()
      .some((r) => r.id === (e.payload as { request: PermissionRequest }).request.id);
  return waitForEvent(fixture, waiting).then((e) => (e.payload as { request: PermissionRequest }).request);
}

function chatRequests(): SentMessage[][] {
  return fake.requests
    .filter((r) => r.path === '/v1/chat/completions')
    .map((r) => (r.body as { messages: SentMessage[] }).messages);
}

const tokens = (text: string) => Math.ceil(text.length / 4);
const filler = (i: number) =>
  `Turn ${i}: ${'we talked about the garden and the weather at some length. '.repeat(3)}`;

describe('context synthesis', () => {
  it('stays within budget, keeps pinned memories and the latest turns, and stands the summary in for cut turns', async () => {
    const conv = await f.conversations.create('Long chat');
    for (let i = 0; i < 60; i++)
      await addExchange(f, conv.id, filler(i), `Reply ${i}: noted, ${'fine. '.repeat(20)}`);
    await f.storage.db.run(
      'INSERT INTO conversation_summaries (conversation_id, upto_index, summary, updated_at) VALUES (?, ?, ?, ?)',
      [conv.id, 79, 'SUMMARY: the owner planned the garden beds and chose tomatoes.', f.clock.now],
    );
    const pinned = await f.memory.store.create({
      text: 'Always answer in British English.',
      pinned: true,
      createdBy: 'owner',
    });
    for (let i = 0; i < 40; i++) {
      await f.memory.store.create({
        text: `Filler memory ${i} about the owner's bookshelf and reading habits.`,
        createdBy: 'owner',
      });
    }
    const pastry = await f.memory.store.create({
      text: 'The owner loves pastel de nata pastries.',
      createdBy: 'owner',
    });
    const other = await f.conversations.create('Lisbon trip');
    await addExchange(f, other.id, 'Where to eat pastries in Lisbon?', 'Manteigaria, near Camões square.');

    fake.script({ tokens: ['Try Manteigaria.'] });
    const reply = await sendAndWait(f, conv.id, 'Which pastries should I try in Lisbon?');
    expect(reply.status).toBe('complete');

    const sent = chatRequests().at(-1)!;
    const [system, ...turns] = sent;
    expect(system!.role).toBe('system');
    expect(system!.content).toContain('You are Ada. Calm and brief.');
    expect(system!.content).toContain(pinned.text);
    expect(system!.content).toContain(pastry.text);
    expect(system!.content).toContain('“Lisbon trip”');
    expect(system!.content).toContain('owner: Where to eat pastries in Lisbon?');
    expect(system!.content).toContain('SUMMARY: the owner planned the garden beds');
    // The new message last, the latest turns before it, the oldest cut.
    expect(turns.at(-1)).toEqual({ role: 'user', content: 'Which pastries should I try in Lisbon?' });
    expect(turns.at(-2)!.content).toContain('Reply 59');
    expect(turns.at(-3)!.content).toContain('Turn 59');
    expect(turns[0]!.role).toBe('user');
    expect(turns.some((m) => m.content.startsWith('Turn 0:'))).toBe(false);
    expect(turns.length).toBeGreaterThan(4);
    const size = tokens(system!.content) + turns.slice(0, -1).reduce((n, m) => n + tokens(m.content), 0);
    expect(size).toBeLessThanOrEqual(BUDGET);

    const used = await f.memory.store.usedBy(reply.id);
    expect(used.find((u) => u.memoryId === pinned.id)).toMatchObject({ why: 'pinned', score: 1 });
    expect(used.some((u) => u.memoryId === pastry.id)).toBe(true);
    const announced = eventsNamed<{ messageId: string; memories: UsedMemory[] }>(f, 'message.memories');
    expect(announced).toHaveLength(1);
    expect(announced[0]!.messageId).toBe(reply.id);
    expect(announced[0]!.memories.map((m) => m.memoryId).sort()).toEqual(used.map((u) => u.memoryId).sort());
  });

  it('sends a short conversation whole, without a summary', async () => {
    const conv = await f.conversations.create('Short');
    await addExchange(f, conv.id, 'I am Ada', 'Nice to meet you, Ada.');
    await f.storage.db.run(
      'INSERT INTO conversation_summaries (conversation_id, upto_index, summary, updated_at) VALUES (?, ?, ?, ?)',
      [conv.id, 0, 'SUMMARY that is not needed', f.clock.now],
    );
    fake.script({ tokens: ['Ada.'] });
    await sendAndWait(f, conv.id, 'Who am I?');
    const [system, ...turns] = chatRequests().at(-1)!;
    expect(system!.content).not.toContain('SUMMARY');
    expect(turns).toEqual([
      { role: 'user', content: 'I am Ada' },
      { role: 'assistant', content: 'Nice to meet you, Ada.' },
      { role: 'user', content: 'Who am I?' },
    ]);
  });
});

describe('memory tools', () => {
  it('memory_save asks the owner first; allowed, it keeps the memory, sourced to the reply, and is audited', async () => {
    const conv = await f.conversations.create('Prefs');
    fake.script(
      {
        toolCalls: [
          {
            name: 'memory_save',
            input: { text: 'The owner’s favourite pastry is pastel de nata.', kind: 'preference' },
          },
        ],
      },
      { tokens: ['I will remember that.'] },
    );
    const replying = sendAndWait(f, conv.id, 'Remember: my favourite pastry is pastel de nata.');
    const request = await nextRequest(f);
    expect(request).toMatchObject({
      tool: 'memory_save',
      display: 'The owner’s favourite pastry is pastel de nata.',
      workspace: null,
      unsandboxed: false,
      proposedPattern: '*',
      why: expect.stringContaining('every later conversation'),
    });
    expect(await f.memory.store.list({ limit: 10 })).toMatchObject({ memories: [] });
    await f.permissions.respond(request.id, 'allow-once');
    const reply = await replying;
    expect(reply).toMatchObject({ status: 'complete', content: 'I will remember that.' });
    const { memories } = await f.memory.store.list({ limit: 10 });
    expect(memories).toHaveLength(1);
    expect(memories[0]).toMatchObject({
      text: 'The owner’s favourite pastry is pastel de nata.',
      kind: 'preference',
      createdBy: 'agent',
      sources: [{ conversationId: conv.id, messageId: reply.id }],
    });
    const saved = JSON.parse(toolResult()) as { saved: { id: string } };
    expect(saved.saved.id).toBe(memories[0]!.id);
    const audit = await f.storage.db.all<{ actor: string; kind: string; tool: string; outcome: string }>(
      'SELECT actor, kind, tool, outcome FROM audit_log ORDER BY seq',
    );
    expect(audit).toEqual([
      { actor: 'owner', kind: 'permission.grant', tool: 'memory_save', outcome: 'allow-once' },
      { actor: `agent:${conv.id}`, kind: 'tool.call', tool: 'memory_save', outcome: 'started (in Cell 0)' },
      { actor: 'kernel', kind: 'tool.result', tool: 'memory_save', outcome: 'done' },
    ]);
    const card = eventsNamed<{ toolCall: ToolCall }>(f, 'tool.updated').at(-1)!.toolCall;
    expect(card).toMatchObject({ tool: 'memory_save', hosted: true, sandboxed: false, status: 'done' });
  });

  it('memory_save denied keeps nothing, and the model is told', async () => {
    const conv = await f.conversations.create('No');
    fake.script(
      { toolCalls: [{ name: 'memory_save', input: { text: 'The owner is always wrong.' } }] },
      { tokens: ['Understood.'] },
    );
    const replying = sendAndWait(f, conv.id, 'Hmm');
    await f.permissions.respond((await nextRequest(f)).id, 'deny');
    expect((await replying).content).toBe('Understood.');
    expect((await f.memory.store.list({ limit: 10 })).memories).toEqual([]);
    expect(toolResult()).toMatch(/^Error \(PERMISSION_DENIED\)/);
  });

  it('memory_save always allowed: a signed rule, and later saves run unasked', async () => {
    const conv = await f.conversations.create('Always');
    const save = (text: string) => ({ toolCalls: [{ name: 'memory_save', input: { text } }] });
    fake.script(save('The owner drinks tea.'), { tokens: ['Noted.'] }, save('The owner walks daily.'), {
      tokens: ['Noted again.'],
    });
    const first = sendAndWait(f, conv.id, 'Tea');
    await f.permissions.respond((await nextRequest(f)).id, 'allow-always');
    await first;
    expect(f.permissions.rules()).toEqual([
      expect.objectContaining({ tool: 'memory_save', pattern: '*', decision: 'allow', valid: true }),
    ]);
    const asked = eventsNamed(f, 'permission.requested').length;
    expect((await sendAndWait(f, conv.id, 'Walks')).content).toBe('Noted again.');
    expect(eventsNamed(f, 'permission.requested')).toHaveLength(asked);
    expect((await f.memory.store.list({ limit: 10 })).memories.map((m) => m.text).sort()).toEqual([
      'The owner drinks tea.',
      'The owner walks daily.',
    ]);
  });

  it('memory_search gives the model matching memories with their dates and ids', async () => {
    const trip = await f.memory.store.create({
      text: 'The owner flies to Lisbon on 2024-05-10.',
      kind: 'event',
      eventDate: '2024-05-10',
      createdBy: 'owner',
    });
    await f.memory.store.create({ text: 'The owner drinks coffee black.', createdBy: 'owner' });
    const conv = await f.conversations.create('Q');
    fake.script(
      { toolCalls: [{ name: 'memory_search', input: { query: 'Lisbon flight' } }] },
      { tokens: ['On the 10th.'] },
    );
    await sendAndWait(f, conv.id, 'When do I fly?');
    const toolMessage = chatRequests()
      .at(-1)!
      .find((m) => m.role === 'tool')!;
    const result = JSON.parse(toolMessage.content) as {
      memories: { id: string; text: string; date: string }[];
    };
    expect(result.memories[0]).toEqual({ id: trip.id, text: trip.text, date: '2024-05-10' });
    const tools = await f.storage.db.all<{ outcome: string }>(
      "SELECT outcome FROM audit_log WHERE tool = 'memory_search' ORDER BY seq",
    );
    expect(tools.map((r) => r.outcome)).toEqual(['started', `found ${result.memories.length}`]);
  });
});
