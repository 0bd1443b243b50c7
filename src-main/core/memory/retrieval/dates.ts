/**
 * Date understanding for queries: "when" questions, and explicit or relative dates
 * ("in May 2023", "last week", "yesterday", "2023-05-07", "3 days ago"). Calendar arithmetic is in
 * the machine's local time zone, which is the owner's, and so are the ranges returned.
 */

export interface DateRange {
  /** Inclusive start, ms since the epoch. */
  start: number;
  /** Exclusive end. */
  end: number;
  /** How the query said it, for `why`: "last week", "May 2023". */
  label: string;
}

export interface DateIntent {
  /** The question asks for a time ("when did…", "what date…", "how long ago…"). */
  when: boolean;
  range: DateRange | null;
}

const DAY = 86_400_000;

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MONTH_ALIASES: Record<string, number> = {};
MONTHS.forEach((name, i) => {
  MONTH_ALIASES[name] = i;
  MONTH_ALIASES[name.slice(0, 3)] = i;
});
MONTH_ALIASES.sept = 8;

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const MONTH_RE =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const DAY_RE = '(\\d{1,2})(?:st|nd|rd|th)?';
const YEAR_RE = '((?:19|20)\\d{2})';

const WHEN_RE =
  /\b(when|what (?:date|day|time|year|month|week)|which (?:date|day|year|month|week)|on what (?:date|day)|how long ago|since when|what time of (?:year|day))\b/i;

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  couple: 2,
  few: 3,
};

function startOfDay(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

function addDays(ms: number, days: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days).getTime();
}

function dayRange(year: number, month: number, day: number, label: string): DateRange | null {
  const start = new Date(year, month, day);
  if (start.getMonth() !== month || start.getDate() !== day) return null;
  return { start: start.getTime(), end: new Date(year, month, day + 1).getTime(), label };
}

function monthRange(year: number, month: number, label: string): DateRange {
  return { start: new Date(year, month, 1).getTime(), end: new Date(year, month + 1, 1).getTime(), label };
}

/** Monday-based weeks, as most of the world counts them. */
function startOfWeek(ms: number): number {
  const d = new Date(startOfDay(ms));
  const back = (d.getDay() + 6) % 7;
  return addDays(d.getTime(), -back);
}

function parseCount(text: string): number {
  const n = Number(text);
  return Number.isFinite(n) ? n : (NUMBER_WORDS[text.toLowerCase()] ?? 1);
}

function yearForBareMonth(month: number, now: number, past: boolean): number {
  const today = new Date(now);
  // "in May" said in March means last May; "last May" said in May also means a year ago.
  const thisYear = today.getFullYear();
  if (past ? month >= today.getMonth() : month > today.getMonth()) return thisYear - 1;
  return thisYear;
}

type Rule = (match: RegExpMatchArray, now: number) => DateRange | null;

/** Tried in order; the first that matches wins, so more specific patterns come first. */
const RULES: readonly (readonly [RegExp, Rule])[] = [
  [/\b(\d{4})-(\d{2})-(\d{2})\b/, (m) => dayRange(+m[1]!, +m[2]! - 1, +m[3]!, m[0])],
  [
    new RegExp(`\\b${DAY_RE}(?: of)? ${MONTH_RE},? ${YEAR_RE}\\b`, 'i'),
    (m) => dayRange(+m[3]!, MONTH_ALIASES[m[2]!.toLowerCase()]!, +m[1]!, m[0]),
  ],
  [
    new RegExp(`\\b${MONTH_RE} ${DAY_RE},? ${YEAR_RE}\\b`, 'i'),
    (m) => dayRange(+m[3]!, MONTH_ALIASES[m[1]!.toLowerCase()]!, +m[2]!, m[0]),
  ],
  [
    new RegExp(`\\b${MONTH_RE},? (?:of )?${YEAR_RE}\\b`, 'i'),
    (m) => monthRange(+m[2]!, MONTH_ALIASES[m[1]!.toLowerCase()]!, m[0]),
  ],
  [/\b(\d{1,2})\/(\d{1,2})\/((?:19|20)\d{2})\b/, (m) => dayRange(+m[3]!, +m[1]! - 1, +m[2]!, m[0])],
  [/\bday before yesterday\b/i, (m, now) => dayAt(now, -2, m[0])],
  [/\b(yesterday|last night)\b/i, (m, now) => dayAt(now, -1, m[0])],
  [/\b(today|tonight|this morning|this afternoon|this evening)\b/i, (m, now) => dayAt(now, 0, m[0])],
  [
    /\b(last|this|next) (week|month|year)\b/i,
    (m, now) => relativePeriod(m[1]!.toLowerCase(), m[2]!.toLowerCase(), now, m[0]),
  ],
  [
    /\b(?:the )?(?:past|last) (\d+|two|three|four|five|six|seven|eight|nine|ten|few|couple of) (day|week|month|year)s?\b/i,
    (m, now) => {
      const n = parseCount(m[1]!.replace(/ of$/, ''));
      const unitDays = { day: 1, week: 7, month: 30, year: 365 }[m[2]!.toLowerCase() as 'day'];
      return {
        start: addDays(now, -Math.round(n * unitDays)),
        end: addDays(startOfDay(now), 1),
        label: m[0],
      };
    },
  ],
  [
    /\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|couple of) (day|week|month|year)s? ago\b/i,
    (m, now) => {
      const n = parseCount(m[1]!.replace(/ of$/, ''));
      const unit = m[2]!.toLowerCase();
      const unitDays = { day: 1, week: 7, month: 30, year: 365 }[unit as 'day'];
      const centre = addDays(startOfDay(now), -Math.round(n * unitDays));
      // The further back, the vaguer people are: widen the window with the unit.
      const half = { day: 0, week: 3, month: 10, year: 120 }[unit as 'day'];
      return { start: addDays(centre, -half), end: addDays(centre, half + 1), label: m[0] };
    },
  ],
  [
    new RegExp(`\\b(?:last|on) (${WEEKDAYS.join('|')})\\b`, 'i'),
    (m, now) => {
      const target = WEEKDAYS.indexOf(m[1]!.toLowerCase());
      const today = new Date(now).getDay();
      const back = (today - target + 7) % 7 || 7;
      return dayAt(now, -back, m[0]);
    },
  ],
  [
    new RegExp(`\\b(in|during|last|since|early|late|mid|this) ${MONTH_RE}\\b(?!\\s*\\d)`, 'i'),
    (m, now) => {
      const month = MONTH_ALIASES[m[2]!.toLowerCase()]!;
      const lead = m[1]!.toLowerCase();
      return monthRange(yearForBareMonth(month, now, lead === 'last'), month, m[0]);
    },
  ],
  [/\b(?:in|during|since|of|from) ((?:19|20)\d{2})\b/i, (m) => yearRange(+m[1]!, m[0])],
];

function dayAt(now: number, offset: number, label: string): DateRange {
  const start = addDays(startOfDay(now), offset);
  return { start, end: addDays(start, 1), label };
}

function yearRange(year: number, label: string): DateRange {
  return { start: new Date(year, 0, 1).getTime(), end: new Date(year + 1, 0, 1).getTime(), label };
}

function relativePeriod(which: string, unit: string, now: number, label: string): DateRange {
  const shift = which === 'last' ? -1 : which === 'next' ? 1 : 0;
  const d = new Date(now);
  if (unit === 'week') {
    const start = addDays(startOfWeek(now), shift * 7);
    return { start, end: addDays(start, 7), label };
  }
  if (unit === 'month') return monthRange(d.getFullYear(), d.getMonth() + shift, label);
  return yearRange(d.getFullYear() + shift, label);
}

export function parseDateIntent(query: string, now: number): DateIntent {
  const when = WHEN_RE.test(query);
  for (const [pattern, rule] of RULES) {
    const match = query.match(pattern);
    if (!match) continue;
    const range = rule(match, now);
    if (range) return { when, range };
  }
  return { when, range: null };
}

/** "2023-05-07" as local midnight, or null for anything else. */
export function parseIsoDay(text: string | null): number | null {
  if (!text) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!m) return null;
  return dayRange(+m[1]!, +m[2]! - 1, +m[3]!, text)?.start ?? null;
}

export function isoDay(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * Whether a text itself talks about a time ("yesterday", "last June", "in 2022", "two weeks ago"):
 * for a "when" question such a message is more likely to hold the answer. A bare "may" is the
 * verb far more often than the month, so only "may 7" counts.
 */
const TEMPORAL_MENTION = new RegExp(
  `\\b(yesterday|today|tonight|tomorrow|last (?:night|week|weekend|month|year|${WEEKDAYS.join('|')})|this (?:week|weekend|month|year|morning)|next (?:week|month|year)|ago|(?:19|20)\\d{2}|${MONTHS.filter((m) => m !== 'may').join('|')}|may \\d|${WEEKDAYS.join('|')}|weekend|recently|lately)\\b`,
  'i',
);

export function mentionsTime(text: string): boolean {
  return TEMPORAL_MENTION.test(text);
}

/** 1 inside the range, falling off over a tolerance (a third of the range, 1 to 7 days) outside it. */
export function dateCloseness(at: number, range: DateRange): number {
  if (at >= range.start && at < range.end) return 1;
  const tolerance = Math.min(7 * DAY, Math.max(DAY, (range.end - range.start) / 3));
  const distance = at < range.start ? range.start - at : at - range.end;
  return distance >= tolerance ? 0 : 1 - distance / tolerance;
}
