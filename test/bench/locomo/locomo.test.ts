import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/core/base/logger.js';
import { parseEvidence, parseLocomo, parseSessionDateTime } from '../../../bench/locomo/locomo.js';
import { evaluateLocomo, evidenceRecall } from '../../../bench/locomo/locomo-eval.js';
import { StorageService } from '../../../src-main/core/storage/storage-service.js';

const MINI = join(import.meta.dirname, '../../fixtures/locomo/mini.json');

async function openTempDatabase() {
  const dir = await mkdtemp(join(tmpdir(), 'cell0-locomo-'));
  const storage = new StorageService(dir);
  await storage.start();
  return {
    db: storage.db,
    close: async () => {
      await storage.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe('LoCoMo loader', () => {
  it('reads evidence however it was written', () => {
    expect(parseEvidence(['D1:3'])).toEqual(['D1:3']);
    expect(parseEvidence(['D1:3; D2:4'])).toEqual(['D1:3', 'D2:4']);
    expect(parseEvidence(['D 1:3', 'D2:05', 'd3 : 7'])).toEqual(['D1:3', 'D2:5', 'D3:7']);
    expect(parseEvidence('D4:1')).toEqual(['D4:1']);
    expect(parseEvidence(undefined)).toEqual([]);
    expect(parseEvidence(['no idea', 42, null])).toEqual([]);
  });

  it('reads session dates in the dataset form and a few others', () => {
    expect(parseSessionDateTime('1:56 pm on 8 May, 2023')).toBe(new Date(2023, 4, 8, 13, 56).getTime());
    expect(parseSessionDateTime('10:04 am on 12 January, 2024')).toBe(new Date(2024, 0, 12, 10, 4).getTime());
    expect(parseSessionDateTime('12:30 am on 1 June, 2023')).toBe(new Date(2023, 5, 1, 0, 30).getTime());
    expect(parseSessionDateTime('May 8, 2023')).toBe(new Date(2023, 4, 8, 12, 0).getTime());
    expect(parseSessionDateTime('sometime')).toBeNull();
    expect(parseSessionDateTime(undefined)).toBeNull();
  });

  it('tolerates missing dates, answers, evidence and stray fields', () => {
    const samples = parseLocomo([
      {
        sample_id: 's',
        conversation: {
          speaker_a: 'Ann',
          speaker_b: 'Bo',
          session_2: [{ speaker: 'Bo', dia_id: 'D2:1', text: 'later' }],
          session_1: [
            { speaker: 'Ann', dia_id: 'D1:1', text: 'hello', blip_caption: 'a dog on a beach' },
            { speaker: 'Bo', text: 'no id' },
            { speaker: 'Bo', dia_id: 'D1:3' },
          ],
          session_1_date_time: '1:56 pm on 8 May, 2023',
        },
        qa: [
          { question: 'Q1?', answer: 'A', evidence: ['D1:1'], category: 4 },
          { question: 'Q2?', evidence: 'D 2:1', category: '2' },
          { question: 'Q3?', adversarial_answer: 'X', category: 5 },
          { answer: 'no question' },
        ],
      },
      'not a sample',
    ]);
    expect(samples).toHaveLength(1);
    const [sample] = samples;
    expect(sample!.sessions.map((s) => s.number)).toEqual([1, 2]);
    expect(sample!.sessions[1]!.date).toBeNull();
    expect(sample!.sessions[0]!.turns).toEqual([
      { speaker: 'Ann', diaId: 'D1:1', text: 'hello [shares a photo of a dog on a beach]' },
      { speaker: 'Bo', diaId: null, text: 'no id' },
    ]);
    expect(sample!.qa).toEqual([
      { question: 'Q1?', answer: 'A', evidence: ['D1:1'], category: 4 },
      { question: 'Q2?', answer: null, evidence: ['D2:1'], category: 2 },
      { question: 'Q3?', answer: 'X', evidence: [], category: 5 },
    ]);
    expect(() => parseLocomo('nope')).toThrow(/array of samples/);
  });

  it('reads the mini fixture, blemishes included', async () => {
    const samples = parseLocomo(JSON.parse(await readFile(MINI, 'utf8')));
    expect(samples).toHaveLength(2);
    expect(samples.every((s) => s.sessions.length === 4)).toBe(true);
    const qa = samples.flatMap((s) => s.qa);
    expect(new Set(qa.map((q) => q.category))).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(qa.some((q) => q.evidence.length === 2)).toBe(true);
    expect(qa.filter((q) => q.evidence.length === 0).length).toBeGreaterThan(0);
    expect(samples[1]!.sessions.some((s) => s.date === null)).toBe(true);
  });
});

describe('LoCoMo evaluation', () => {
  it('computes evidence recall at a cutoff', () => {
    expect(evidenceRecall(['D1:1', 'D2:2'], ['D1:1', null, 'D3:3', 'D2:2'], 3)).toBe(0.5);
    expect(evidenceRecall(['D1:1', 'D2:2'], ['D1:1', null, 'D3:3', 'D2:2'], 4)).toBe(1);
    expect(evidenceRecall([], ['D1:1'], 5)).toBe(0);
  });

  it('scores the mini fixture, with the hybrid at least as good as BM25 alone', async () => {
    const samples = parseLocomo(JSON.parse(await readFile(MINI, 'utf8')));
    const report = await evaluateLocomo(samples, { openDatabase: openTempDatabase, logger: silentLogger });
    const withEvidence = samples.flatMap((s) => s.qa).filter((q) => q.evidence.length > 0).length;
    expect(report.skipped).toBe(samples.flatMap((s) => s.qa).length - withEvidence);
    for (const mode of ['bm25', 'hybrid'] as const) {
      const { overall, byCategory } = report.modes[mode];
      expect(overall.questions).toBe(withEvidence);
      expect(overall.r10).toBeGreaterThanOrEqual(overall.r5);
      expect(Object.values(byCategory).reduce((n, c) => n + c.questions, 0)).toBe(withEvidence);
    }
    // Single-hop questions overlap their evidence in words: BM25 alone must find most of them.
    expect(report.modes.bm25.byCategory['4']!.r10).toBeGreaterThan(0.5);
    expect(report.modes.hybrid.overall.r5).toBeGreaterThanOrEqual(report.modes.bm25.overall.r5);
    expect(report.modes.hybrid.overall.r10).toBeGreaterThanOrEqual(report.modes.bm25.overall.r10);
    expect(report.latencies).toHaveLength(withEvidence);
  });
});
