import { describe, expect, it } from 'vitest';
import { agentsDone } from '../../../../src-renderer/features/swarms/swarm-format.js';

describe('swarm wording', () => {
  it('counts agents done against the total, with the noun agreeing', () => {
    expect(agentsDone(1, 1)).toBe('1/1 agent done');
    expect(agentsDone(0, 1)).toBe('0/1 agent done');
    expect(agentsDone(6, 6)).toBe('6/6 agents done');
  });
});
