import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Memory } from '../../../src-main/core/protocol/memory-entities.js';
import { DEFAULT_PERSONA } from '../../../src-main/core/settings/settings-store.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';

let t: TestCore;

beforeEach(async () => {
  t = await startTestCore();
});

afterEach(async () => {
  await t.close();
});

const create = (text: string, extra: { pinned?: boolean; kind?: Memory['kind'] } = {}) =>
  t.call('memories.create', { text, ...extra });

describe('memories through the protocol', () => {
  it('creates, lists pinned first then newest, updates and deletes, with events', async () => {
    const a = await create('The owner is a landscape photographer.');
    const b = await create('The owner prefers tea in the evening.', { kind: 'preference' });
    const pinned = await create('Always answer in British English.', { pinned: true });
    expect(a).toMatchObject({ createdBy: 'owner', status: 'active', kind: 'note', sources: [] });

    const list = await t.call('memories.list', { limit: 10 });
    expect(list.total).toBe(3);
    expect(list.memories.map((m) => m.id)).toEqual([pinned.id, b.id, a.id]);

    const updated = await t.call('memories.update', {
      id: b.id,
      text: 'The owner prefers green tea.',
      importance: 0.9,
    });
    expect(updated).toMatchObject({
      text: 'The owner prefers green tea.',
      importance: 0.9,
      kind: 'preference',
    });
    const found = await t.call('memories.list', { query: 'green', limit: 10 });
    expect(found.memories.map((m) => m.id)).toEqual([b.id]);
    // A prefix finds it while the owner is still typing.
    expect((await t.call('memories.list', { query: 'photog', limit: 10 })).memories.map((m) => m.id)).toEqual(
      [a.id],
    );

    await t.call('memories.delete', { id: a.id });
    expect((await t.call('memories.list', { limit: 10 })).total).toBe(2);
    await expect(t.call('memories.delete', { id: a.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const names = t.events.map((e) => e.event).filter((e) => e.startsWith('memory.'));
    expect(names.filter((n) => n === 'memory.updated')).toHaveLength(4);
    expect(t.events.find((e) => e.event === 'memory.deleted')?.payload).toEqual({ id: a.id });
  });

  it('keeps the persona and the daily budget in settings, across a restart', async () => {
    const initial = await t.call('settings.getMemory');
    expect(initial).toEqual({ persona: DEFAULT_PERSONA, tokensPerDay: 200_000, embedder: 'hash-384-v1' });
    await t.call('settings.setPersona', { name: 'Ada', character: 'Dry humour, very brief.' });
    const status = await t.call('settings.setMemoryBudget', { tokensPerDay: 5000 });
    expect(status.budgetPerDay).toBe(5000);
    await t.restart();
    expect(await t.call('settings.getMemory')).toEqual({
      persona: { name: 'Ada', character: 'Dry humour, very brief.' },
      tokensPerDay: 5000,
      embedder: 'hash-384-v1',
    });
    expect(await t.call('memory.status')).toMatchObject({
      state: 'idle',
      tokensToday: 0,
      budgetPerDay: 5000,
    });
  });
});
