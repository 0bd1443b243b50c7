import { describe, expect, it } from 'vitest';
import {
  PlanError,
  ReviewError,
  extractJson,
  parsePlan,
  parseReview,
} from '../../../src-main/core/swarms/plan.js';

const step = (id: string, dependsOn: string[] = []) => ({
  id,
  title: `Step ${id}`,
  role: 'Worker',
  instructions: `Do ${id}`,
  dependsOn,
  tools: [],
});
const plan = (...subtasks: object[]) => JSON.stringify({ subtasks });

describe('parsePlan', () => {
  it('orders subtasks so every dependency comes first', () => {
    const ordered = parsePlan(plan(step('c', ['a', 'b']), step('b', ['a']), step('a')), 10);
    expect(ordered.map((s) => s.id)).toEqual(['a', 'b', 'c']);
  });

  it('reads a plan in a fenced block with prose around it', () => {
    const text = `Here is the plan:\n\`\`\`json\n${plan(step('x'))}\n\`\`\`\nGood luck.`;
    expect(parsePlan(text, 3).map((s) => s.id)).toEqual(['x']);
  });

  it.each([
    ['a cycle', plan(step('a', ['b']), step('b', ['a'])), /cycle among: a, b/],
    ['a self-dependency', plan(step('a', ['a'])), /depends on itself/],
    ['an unknown dependency', plan(step('a', ['ghost'])), /"ghost", which is not in the plan/],
    ['duplicate ids', plan(step('a'), step('a')), /Two subtasks have the id "a"/],
    ['too many subtasks', plan(step('a'), step('b'), step('c')), /at most 2/],
    ['no subtasks', plan(), /schema/],
    ['an unknown tool', plan({ ...step('a'), tools: ['format_disk'] }), /subtasks\.0\.tools\.0/],
    ['no JSON at all', 'I cannot plan this.', /no JSON object/],
    ['broken JSON', '{"subtasks": [', /no JSON object|does not parse/],
  ])('rejects %s with a reason the coordinator can act on', (_name, text, reason) => {
    expect(() => parsePlan(text, 2)).toThrow(PlanError);
    expect(() => parsePlan(text, 2)).toThrow(reason);
  });
});

describe('parseReview', () => {
  it('reads a verdict', () => {
    expect(parseReview('{"approved": false, "notes": "Add sources."}')).toEqual({
      approved: false,
      notes: 'Add sources.',
    });
  });

  it('fails closed: an answer out of form is no verdict, and approves nothing', () => {
    expect(() => parseReview('Looks fine to me.')).toThrow(ReviewError);
    expect(() => parseReview('Looks fine to me.')).toThrow(/not approved.*Looks fine to me\./);
    expect(() => parseReview('{"approved": "yes"}')).toThrow(ReviewError);
  });
});

describe('extractJson', () => {
  it('takes the outermost object', () => {
    expect(extractJson('x {"a": {"b": 1}} y')).toEqual({ a: { b: 1 } });
  });
});
