import { describe, expect, it } from 'vitest';
import { createDeltaBatcher } from '../../../src-renderer/lib/delta-batcher.js';

function fakeFrames() {
  const queue: (() => void)[] = [];
  return {
    schedule: (cb: () => void) => queue.push(cb),
    runFrame: () => queue.splice(0).forEach((cb) => cb()),
    get scheduled() {
      return queue.length;
    },
  };
}

describe('delta batcher', () => {
  it('joins many deltas per message into one update per frame', () => {
    const frames = fakeFrames();
    const applied: Map<string, string>[] = [];
    const batcher = createDeltaBatcher(frames.schedule, (d) => applied.push(new Map(d)));
    for (const t of ['He', 'll', 'o']) batcher.push('a', t);
    batcher.push('b', 'x');
    expect(frames.scheduled).toBe(1);
    expect(applied).toHaveLength(0);
    frames.runFrame();
    expect(applied).toEqual([
      new Map([
        ['a', 'Hello'],
        ['b', 'x'],
      ]),
    ]);
  });

  it('schedules a new frame for deltas that arrive after a flush', () => {
    const frames = fakeFrames();
    const applied: string[] = [];
    const batcher = createDeltaBatcher(frames.schedule, (d) => applied.push(d.get('a') ?? ''));
    batcher.push('a', '1');
    frames.runFrame();
    batcher.push('a', '2');
    frames.runFrame();
    expect(applied).toEqual(['1', '2']);
  });

  it('drops buffered text for a message whose final content arrived, so it is not doubled', () => {
    const frames = fakeFrames();
    const applied: Map<string, string>[] = [];
    const batcher = createDeltaBatcher(frames.schedule, (d) => applied.push(new Map(d)));
    batcher.push('a', 'tail');
    batcher.push('b', 'keep');
    batcher.drop('a');
    frames.runFrame();
    expect(applied).toEqual([new Map([['b', 'keep']])]);
  });
});
