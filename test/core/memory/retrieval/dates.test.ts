import { describe, expect, it } from 'vitest';
import {
  dateCloseness,
  isoDay,
  mentionsTime,
  parseDateIntent,
} from '../../../../src-main/core/memory/retrieval/dates.js';

// Wednesday 15 May 2024, 14:00 local time.
const NOW = new Date(2024, 4, 15, 14, 0).getTime();

function range(query: string): [string, string] | null {
  const r = parseDateIntent(query, NOW).range;
  // End is exclusive: show the last day inside the range.
  return r ? [isoDay(r.start), isoDay(r.end - 1)] : null;
}

describe('dates in queries', () => {
  it('recognises questions that ask for a time', () => {
    for (const q of [
      'When did we go to Lisbon?',
      'what date was the party',
      'How long ago did I move?',
      'Which year was that?',
    ]) {
      expect(parseDateIntent(q, NOW).when, q).toBe(true);
    }
    expect(parseDateIntent('Where did we go in Lisbon?', NOW).when).toBe(false);
  });

  it('reads explicit dates', () => {
    expect(range('what happened on 2023-05-07')).toEqual(['2023-05-07', '2023-05-07']);
    expect(range('the dinner on 8 May, 2023')).toEqual(['2023-05-08', '2023-05-08']);
    expect(range('the dinner on May 8th 2023')).toEqual(['2023-05-08', '2023-05-08']);
    expect(range('what did we do in May 2023')).toEqual(['2023-05-01', '2023-05-31']);
    expect(range('trips in 2022')).toEqual(['2022-01-01', '2022-12-31']);
  });

  it('reads relative dates against "now"', () => {
    expect(range('what did I say yesterday')).toEqual(['2024-05-14', '2024-05-14']);
    expect(range('anything from today?')).toEqual(['2024-05-15', '2024-05-15']);
    // Monday-to-Sunday, the week before this one.
    expect(range('what did we plan last week')).toEqual(['2024-05-06', '2024-05-12']);
    expect(range('notes from last month')).toEqual(['2024-04-01', '2024-04-30']);
    expect(range('3 days ago')).toEqual(['2024-05-12', '2024-05-12']);
    expect(range('last Friday')).toEqual(['2024-05-10', '2024-05-10']);
    expect(range('the past 2 weeks')).toEqual(['2024-05-01', '2024-05-15']);
  });

  it('takes a bare month as the latest one that has begun, and ignores the verb "may"', () => {
    expect(range('what did we do in March')).toEqual(['2024-03-01', '2024-03-31']);
    expect(range('the trip in August')).toEqual(['2023-08-01', '2023-08-31']);
    expect(range('I may go hiking')).toBeNull();
    expect(mentionsTime('I may go hiking')).toBe(false);
    expect(mentionsTime('We went there last weekend')).toBe(true);
  });

  it('scores closeness: 1 inside the range, fading just outside it', () => {
    const r = parseDateIntent('yesterday', NOW).range!;
    expect(dateCloseness(r.start + 3_600_000, r)).toBe(1);
    const nearby = dateCloseness(r.end + 6 * 3_600_000, r);
    expect(nearby).toBeGreaterThan(0);
    expect(nearby).toBeLessThan(1);
    expect(dateCloseness(r.end + 30 * 86_400_000, r)).toBe(0);
  });
});
