import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventsNamed, openMemoryFixture, type MemoryFixture } from './memory-fixture.js';

let f: MemoryFixture;

beforeEach(async () => {
  f = await openMemoryFixture();
});

afterEach(async () => {
  await f.remove();
});

const create = (text: string) => f.memory.store.create({ text, createdBy: 'owner' });

describe('forget', () => {
  it('deletes every memory about the topic, active or retired, with its vectors, and only those', async () => {
    const trip = await create('The owner is planning a trip to Lisbon in May.');
    const flight = await create('Flight to Lisbon booked for 2024-05-10.');
    const sister = await create('Ana is the owner’s sister and lives in Porto.');
    const coffee = await create('The owner drinks coffee black.');
    const madrid = await create('The owner went to Madrid in 2023.');
    const hotel = await create('Hotel in Lisbon: Casa Amora.');
    // An older version the trip memory replaced: it says the same in other words, so it goes too.
    const earlier = await create('The owner wants to travel somewhere sunny in spring.');
    await f.memory.store.update(hotel.id, { status: 'retired', supersededBy: null });
    await f.memory.store.update(earlier.id, { status: 'retired', supersededBy: trip.id });
    await f.memory.runUntilIdle();
    const vectorsOf = async (ids: string[]) =>
      (
        await f.storage.db.get<{ n: number }>(
          `SELECT COUNT(*) AS n FROM vectors v JOIN memories m ON m.rowid = v.owner_rowid
           WHERE v.owner_kind = 'memory' AND m.id IN (${ids.map(() => '?').join(',')})`,
          ids,
        )
      )?.n;
    expect(await vectorsOf([trip.id, flight.id])).toBe(2);

    const forgotten = await f.memory.store.forget('Lisbon');

    expect(forgotten.map((m) => m.id).sort()).toEqual([trip.id, flight.id, hotel.id, earlier.id].sort());
    const left = (await f.memory.store.list({ includeRetired: true, limit: 50 })).memories.map((m) => m.id);
    expect(left.sort()).toEqual([sister.id, coffee.id, madrid.id].sort());
    const orphans = await f.storage.db.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM vectors WHERE owner_kind = 'memory'
       AND owner_rowid NOT IN (SELECT rowid FROM memories)`,
    );
    expect(orphans?.n).toBe(0);
    expect(
      eventsNamed<{ id: string }>(f, 'memory.deleted')
        .map((e) => e.id)
        .sort(),
    ).toEqual(forgotten.map((m) => m.id).sort());
  });

  it('finds memories close in meaning even when not every word of the topic is in them', async () => {
    const sister = await create('Ana is the owner’s sister and lives in Porto.');
    const coffee = await create('The owner drinks coffee black.');
    await f.memory.runUntilIdle();
    const forgotten = await f.memory.store.forget('my sister Ana');
    expect(forgotten.map((m) => m.id)).toEqual([sister.id]);
    expect((await f.memory.store.list({ limit: 10 })).memories.map((m) => m.id)).toEqual([coffee.id]);
  });

  it('records each forget in the signed audit log, with what it did', async () => {
    await create('The owner is planning a trip to Lisbon in May.');
    await f.memory.store.forget('Lisbon');
    await f.memory.store.forget('Atlantis');
    const rows = await f.storage.db.all<{
      actor: string;
      kind: string;
      tool: string;
      outcome: string;
      signature: string;
    }>(
      "SELECT actor, kind, tool, outcome, signature FROM audit_log WHERE tool = 'memory.forget' ORDER BY seq",
    );
    expect(rows.map((r) => [r.actor, r.kind, r.tool, r.outcome])).toEqual([
      ['owner', 'tool.call', 'memory.forget', 'forgot 1'],
      ['owner', 'tool.call', 'memory.forget', 'forgot 0'],
    ]);
    expect(rows.every((r) => r.signature.length > 0)).toBe(true);
  });
});
