import { describe, expect, it } from 'vitest';
import { modelChanged } from '../../../../src-renderer/features/chat/model-change.js';
import { message } from '../../message-fixture.js';

describe('model line', () => {
  const rows = [
    message(0),
    message(1, { providerId: 'p', model: 'a' }),
    message(2),
    message(3, { providerId: 'p', model: 'a' }),
    message(4),
    message(5, { providerId: 'p', model: 'b' }),
  ];
  const get = (i: number) => rows[i];

  it('names the model when it differs from the previous reply', () => {
    expect(modelChanged(get, rows[3]!)).toBe(false);
    expect(modelChanged(get, rows[5]!)).toBe(true);
  });

  it('names the model of the first reply and of a reply whose predecessor is not loaded', () => {
    expect(modelChanged(get, rows[1]!)).toBe(true);
    expect(modelChanged((i) => (i === 2 ? undefined : rows[i]), rows[3]!)).toBe(true);
  });
});
