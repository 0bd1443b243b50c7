/**
 * A tolerant reader for the public LoCoMo format (Maharana et al., 2024): an array of samples,
 * each a two-person conversation in numbered sessions with dated turns, plus QA items whose
 * `evidence` names the turns (dia_ids) that hold the answer. Real files have evidence like
 * "D8:6; D9:17" or "D30:05", sessions without dates and QA items without answers, so every field
 * is optional here and a bad one is skipped rather than fatal.
 */

export interface LocomoTurn {
  speaker: string;
  /** Normalised "D<session>:<turn>", or null when the turn had none. */
  diaId: string | null;
  text: string;
}

export interface LocomoSession {
  number: number;
  /** Local ms, or null when the file gave no readable date. */
  date: number | null;
  turns: LocomoTurn[];
}

export interface LocomoQa {
  question: string;
  answer: string | null;
  /** Normalised dia_ids; empty when the item had none that could be read. */
  evidence: string[];
  category: number;
}

export interface LocomoSample {
  id: string;
  speakerA: string;
  speakerB: string;
  sessions: LocomoSession[];
  qa: LocomoQa[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Every "D<n>:<m>" in a value (string or array of strings), normalised: "D 1:03" -> "D1:3". */
export function parseEvidence(value: unknown): string[] {
  const texts = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  const out = new Set<string>();
  for (const text of texts) {
    if (typeof text !== 'string') continue;
    for (const m of text.matchAll(/D\s*(\d+)\s*:\s*(\d+)/gi)) out.add(`D${Number(m[1])}:${Number(m[2])}`);
  }
  return [...out];
}

export function normaliseDiaId(value: unknown): string | null {
  return parseEvidence(value)[0] ?? null;
}

/** "1:56 pm on 8 May, 2023" (also without the time, or "May 8, 2023") -> local ms, else null. */
export function parseSessionDateTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const text = value.toLowerCase();
  const time = /(\d{1,2}):(\d{2})\s*(am|pm)?/.exec(text);
  const dayFirst = /(\d{1,2})\s+([a-z]{3,})\.?,?\s+(\d{4})/.exec(text);
  const monthFirst = /([a-z]{3,})\.?\s+(\d{1,2}),?\s+(\d{4})/.exec(text);
  let day: number;
  let monthName: string;
  let year: number;
  if (dayFirst && MONTHS.includes(dayFirst[2]!.slice(0, 3))) {
    day = Number(dayFirst[1]);
    monthName = dayFirst[2]!;
    year = Number(dayFirst[3]);
  } else if (monthFirst && MONTHS.includes(monthFirst[1]!.slice(0, 3))) {
    day = Number(monthFirst[2]);
    monthName = monthFirst[1]!;
    year = Number(monthFirst[3]);
  } else {
    return null;
  }
  let hours = time ? Number(time[1]) % 12 : 12;
  if (time?.[3] === 'pm') hours += 12;
  if (time && !time[3]) hours = Number(time[1]);
  const date = new Date(year, MONTHS.indexOf(monthName.slice(0, 3)), day, hours, time ? Number(time[2]) : 0);
  return Number.isNaN(date.getTime()) ? null : date.getTime();
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function parseTurns(value: unknown): LocomoTurn[] {
  if (!Array.isArray(value)) return [];
  const turns: LocomoTurn[] = [];
  for (const item of value) {
    const turn = asRecord(item);
    if (!turn || typeof turn.text !== 'string') continue;
    // Shared photos carry their meaning in the caption; context synthesis would see it too.
    const caption = typeof turn.blip_caption === 'string' ? ` [shares a photo of ${turn.blip_caption}]` : '';
    turns.push({
      speaker: typeof turn.speaker === 'string' ? turn.speaker : 'Someone',
      diaId: normaliseDiaId(turn.dia_id),
      text: turn.text + caption,
    });
  }
  return turns;
}

function parseQa(value: unknown): LocomoQa[] {
  if (!Array.isArray(value)) return [];
  const items: LocomoQa[] = [];
  for (const item of value) {
    const qa = asRecord(item);
    if (!qa || typeof qa.question !== 'string' || qa.question.trim() === '') continue;
    const answer = qa.answer ?? qa.adversarial_answer;
    items.push({
      question: qa.question,
      answer: answer === undefined || answer === null ? null : String(answer),
      evidence: parseEvidence(qa.evidence),
      category: typeof qa.category === 'number' ? qa.category : Number(qa.category) || 0,
    });
  }
  return items;
}

/** Reads a parsed LoCoMo JSON value; throws only when it is not an array of samples at all. */
export function parseLocomo(json: unknown): LocomoSample[] {
  const list = Array.isArray(json) ? json : asRecord(json) ? [json] : null;
  if (!list) throw new Error('A LoCoMo file holds an array of samples.');
  return list.flatMap((raw, i) => {
    const sample = asRecord(raw);
    const conversation = asRecord(sample?.conversation);
    if (!sample || !conversation) return [];
    const sessions: LocomoSession[] = [];
    for (const key of Object.keys(conversation)) {
      const m = /^session_(\d+)$/.exec(key);
      if (!m) continue;
      const number = Number(m[1]);
      sessions.push({
        number,
        date: parseSessionDateTime(conversation[`session_${number}_date_time`]),
        turns: parseTurns(conversation[key]),
      });
    }
    sessions.sort((a, b) => a.number - b.number);
    return [
      {
        id: typeof sample.sample_id === 'string' ? sample.sample_id : `sample-${i + 1}`,
        speakerA: typeof conversation.speaker_a === 'string' ? conversation.speaker_a : 'A',
        speakerB: typeof conversation.speaker_b === 'string' ? conversation.speaker_b : 'B',
        sessions,
        qa: parseQa(sample.qa),
      },
    ];
  });
}
