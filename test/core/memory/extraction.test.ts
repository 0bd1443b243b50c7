import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Memory } from '../../../src-main/core/protocol/memory-entities.js';
import { FakeOpenAI } from '../../fixtures/fake-openai.js';
import {
  addExchange,
  eventsNamed,
  openMemoryFixture,
  operationsReply,
  useModel,
  type MemoryFixture,
} from './memory-fixture.js';

let fake: FakeOpenAI;
let f: MemoryFixture;

beforeEach(async () => {
  fake = new FakeOpenAI();
  await fake.start();
  f = await openMemoryFixture();
  await useModel(f, fake.baseUrl);
});

afterEach(async () => {
  await f.remove();
  await fake.stop();
});

function extractionRequests() {
  return fake.requests.filter(
    (r) => r.path === '/v1/chat/completions' && JSON.stringify(r.body).includes('long-term memory'),
  );
}

async function all(includeRetired = true): Promise<Memory[]> {
  return (await f.memory.store.list({ includeRetired, limit: 500 })).memories;
}

describe('extraction', () => {
  it('creates memories from new messages, linked to the messages they came from', async () => {
    const conv = await f.conversations.create('Trip planning');
    const first = await addExchange(
      f,
      conv.id,
      'I am flying to Lisbon tomorrow with my sister Ana.',
      'Have a great trip!',
    );
    const second = await addExchange(f, conv.id, 'I prefer window seats, always.', 'Noted.');
    fake.script(
      operationsReply([
        {
          op: 'add',
          text: 'The owner flies to Lisbon with their sister Ana on 2024-05-09.',
          kind: 'event',
          importance: 0.7,
          eventDate: '2024-05-09',
          sourceIndexes: [0],
        },
        {
          op: 'add',
          text: 'The owner prefers window seats.',
          kind: 'preference',
          importance: 0.6,
          sourceIndexes: [2],
        },
      ]),
    );

    await f.memory.runUntilIdle();

    const memories = await all();
    expect(memories.map((m) => m.text).sort()).toEqual([
      'The owner flies to Lisbon with their sister Ana on 2024-05-09.',
      'The owner prefers window seats.',
    ]);
    const trip = memories.find((m) => m.kind === 'event')!;
    expect(trip).toMatchObject({
      eventDate: '2024-05-09',
      createdBy: 'daemon',
      status: 'active',
      importance: 0.7,
    });
    expect(trip.sources).toEqual([{ conversationId: conv.id, messageId: first.userMessage.id }]);
    expect(memories.find((m) => m.kind === 'preference')!.sources).toEqual([
      { conversationId: conv.id, messageId: second.userMessage.id },
    ]);
    // The prompt dates each message, so "tomorrow" can be resolved against the day it was said.
    const prompt = JSON.stringify(extractionRequests()[0]!.body);
    expect(prompt).toContain('[0] 2024-05-08 Owner: I am flying to Lisbon tomorrow');
    expect(
      eventsNamed<{ memory: Memory }>(f, 'memory.updated')
        .map((e) => e.memory.id)
        .sort(),
    ).toEqual(memories.map((m) => m.id).sort());
    // The cursor moved: nothing new, no second request.
    await f.memory.runUntilIdle();
    expect(extractionRequests()).toHaveLength(1);
    expect((await f.memory.status()).tokensToday).toBe(500);
  });

  it('updates and retires existing memories instead of piling up duplicates', async () => {
    const conv = await f.conversations.create('Life');
    const old = await f.memory.store.create({
      text: 'The owner lives in Berlin.',
      kind: 'fact',
      createdBy: 'owner',
    });
    const coffee = await f.memory.store.create({
      text: 'The owner drinks coffee.',
      kind: 'preference',
      createdBy: 'owner',
    });
    await addExchange(
      f,
      conv.id,
      'I moved to Lisbon last month! Also, coffee: black, no sugar.',
      'Congrats!',
    );
    fake.script(
      operationsReply([
        {
          op: 'retire',
          id: old.id,
          text: 'The owner lives in Lisbon (moved in April 2024).',
          kind: 'fact',
          importance: 0.8,
          sourceIndexes: [0],
        },
        {
          op: 'update',
          id: coffee.id,
          text: 'The owner drinks coffee black, without sugar.',
          kind: 'preference',
          importance: 0.6,
          sourceIndexes: [0],
        },
      ]),
    );

    await f.memory.runUntilIdle();

    // The model was shown the existing memories with their ids.
    const prompt = JSON.stringify(extractionRequests()[0]!.body);
    expect(prompt).toContain(`id ${old.id}`);
    expect(prompt).toContain(`id ${coffee.id}`);
    const memories = await all();
    expect(memories).toHaveLength(3);
    const lisbon = memories.find((m) => m.text.includes('Lisbon'))!;
    expect(await f.memory.store.get(old.id)).toMatchObject({ status: 'retired', supersededBy: lisbon.id });
    expect(lisbon).toMatchObject({ status: 'active', createdBy: 'daemon' });
    const updated = await f.memory.store.get(coffee.id);
    expect(updated).toMatchObject({
      text: 'The owner drinks coffee black, without sugar.',
      status: 'active',
    });
    expect(updated.sources).toHaveLength(1);
    expect((await all(false)).map((m) => m.id).sort()).toEqual([coffee.id, lisbon.id].sort());
  });

  it('drops invalid operations and keeps the valid ones', async () => {
    const conv = await f.conversations.create('Notes');
    const known = await f.memory.store.create({
      text: 'The owner has a cat called Miso.',
      createdBy: 'owner',
    });
    await addExchange(
      f,
      conv.id,
      'Miso the cat turned 3 today. I also started learning Portuguese.',
      'Happy birthday Miso!',
    );
    fake.script(
      operationsReply([
        {
          op: 'update',
          id: 'not-a-given-id',
          text: 'Hijacked',
          kind: 'fact',
          importance: 0.5,
          sourceIndexes: [0],
        },
        { op: 'retire', text: 'No id at all', kind: 'fact', importance: 0.5, sourceIndexes: [0] },
        {
          op: 'add',
          text: 'Cites a message that does not exist',
          kind: 'fact',
          importance: 0.5,
          sourceIndexes: [7],
        },
        {
          op: 'add',
          text: 'Bad date',
          kind: 'event',
          importance: 0.5,
          eventDate: '2024-02-31',
          sourceIndexes: [0],
        },
        { op: 'add', text: 'Wrong kind', kind: 'gossip', importance: 0.5, sourceIndexes: [0] },
        { op: 'add', text: '   ', kind: 'fact', importance: 0.5, sourceIndexes: [0] },
        {
          op: 'add',
          text: 'The owner is learning Portuguese.',
          kind: 'fact',
          importance: 0.6,
          sourceIndexes: [0],
        },
        {
          op: 'update',
          id: known.id,
          text: 'The owner has a cat called Miso, born 2021-05-08.',
          kind: 'fact',
          importance: 0.6,
          sourceIndexes: [0],
        },
      ]),
    );

    await f.memory.runUntilIdle();

    const memories = await all();
    expect(memories.map((m) => m.text).sort()).toEqual([
      'The owner has a cat called Miso, born 2021-05-08.',
      'The owner is learning Portuguese.',
    ]);
  });

  it('reads a reply that is not valid JSON as no operations, and moves on', async () => {
    const conv = await f.conversations.create('Chit-chat');
    await addExchange(f, conv.id, 'Nice weather.', 'Indeed.');
    fake.script({ tokens: ['Sorry, I cannot help with that.'] });
    await f.memory.runUntilIdle();
    expect(await all()).toEqual([]);
    expect(extractionRequests()).toHaveLength(1);
    expect((await f.memory.status()).state).toBe('idle');
  });

  it('waits until a conversation has been quiet for idleMs', async () => {
    await f.remove();
    f = await openMemoryFixture({ timing: { idleMs: 10 * 60_000 } });
    await useModel(f, fake.baseUrl);
    const conv = await f.conversations.create('Ongoing');
    await addExchange(f, conv.id, 'I am vegetarian.', 'Good to know.');
    fake.script(
      operationsReply([
        { op: 'add', text: 'The owner is vegetarian.', kind: 'fact', importance: 0.7, sourceIndexes: [0] },
      ]),
    );
    await f.memory.runUntilIdle();
    expect(extractionRequests()).toHaveLength(0);
    f.clock.now += 10 * 60_000;
    await f.memory.runUntilIdle();
    expect((await all()).map((m) => m.text)).toEqual(['The owner is vegetarian.']);
  });
});
