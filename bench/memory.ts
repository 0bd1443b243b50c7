/**
 * bench:memory — retrieval quality and speed.
 *
 *   npm run bench:memory -- --dataset FILE      LoCoMo-format file: evidence recall@5/@10 of past
 *                                               messages, BM25 alone vs the hybrid, per category.
 *   npm run bench:memory -- --memories 100000   N synthetic memories: ingest rate (insert + FTS +
 *                                               embedding) and retrieval p50/p99 over 200 queries.
 *
 * With --dataset, --memories runs too when given. Progress goes to stderr; the last line on
 * stdout is one JSON object with the overall figures.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src-main/core/base/logger.js';
import { HybridRetrieval } from '../src-main/core/memory/retrieval/hybrid-retrieval.js';
import { parseLocomo } from './locomo/locomo.js';
import { evaluateLocomo, type LocomoReport } from './locomo/locomo-eval.js';
import { MEMORY_KINDS } from '../src-main/core/protocol/memory-entities.js';
import { StorageService } from '../src-main/core/storage/storage-service.js';

const QUERIES = 200;
const GOAL_P50_MS = 10;
const INSERT_ROWS_PER_STATEMENT = 200;

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  return value && !value.startsWith('--') ? value : '';
}

function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const progress = (text: string) => process.stderr.write(`\r${text}\x1b[K`);

async function openTempStorage(): Promise<{ db: StorageService['db']; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cell0-bench-memory-'));
  const storage = new StorageService(dir);
  await storage.start();
  // A benchmark database need not survive a power cut; FULL sync would measure the disk instead.
  await storage.db.exec('PRAGMA synchronous = NORMAL');
  return {
    db: storage.db,
    close: async () => {
      await storage.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function runLocomo(file: string): Promise<LocomoReport> {
  const samples = parseLocomo(JSON.parse(await readFile(file, 'utf8')));
  const report = await evaluateLocomo(samples, {
    openDatabase: openTempStorage,
    logger: silentLogger,
    onProgress: (done, total) => progress(`locomo: question ${done}/${total}`),
  });
  process.stderr.write('\n');
  const line = (label: string, f: { questions: number; r5: number; r10: number }) =>
    `  ${label.padEnd(14)} n=${String(f.questions).padStart(5)}  R@5 ${f.r5.toFixed(3)}  R@10 ${f.r10.toFixed(3)}`;
  for (const mode of ['bm25', 'hybrid'] as const) {
    console.log(`${mode}:`);
    console.log(line('overall', report.modes[mode].overall));
    for (const [category, figures] of Object.entries(report.modes[mode].byCategory).sort()) {
      console.log(line(`category ${category}`, figures));
    }
  }
  console.log(`skipped (no readable evidence): ${report.skipped}`);
  console.log(
    `hybrid retrieval latency: p50 ${round(percentile(report.latencies, 50))} ms, p99 ${round(percentile(report.latencies, 99))} ms`,
  );
  return report;
}

// Vocabulary for synthetic memories: people, actions, things, places, manners, combined freely.
// A few hundred content words, so a word is shared by hundreds to a few thousand of 100,000
// memories — a long-lived store's spread, not a handful of words in every row.
const PEOPLE = (
  'Ana Ben Chloe Dmitri Elif Farah Goran Hana Ivo Jun Kai Lena Mateo Noor Oskar Priya Quinn Rosa Sami Tariq ' +
  'Uma Viktor Wen Ximena Yusuf Zoe Amara Bruno Camille Diego Esme Felix Greta Hugo Ines Jonas Kiri Luca Mira Nils'
).split(' ');
const VERBS = (
  'visited booked planned cancelled recommended bought repaired cooked painted studied hiked joined organised ' +
  'reviewed photographed borrowed learned taught sold rented assembled cleaned designed measured ordered packed ' +
  'practised recorded restored scheduled sketched tested translated tuned upgraded watered wrapped returned compared ' +
  'budgeted postponed shared finished started abandoned researched printed mended'
).split(' ');
const THINGS = (
  'pottery bike sourdough shed trip report violin tiles marathon compiler party return stove playlist course ' +
  'panels dog camera wall podcast lessons club appointment patch talk kayak tent guitar piano novel thesis garden ' +
  'balcony roof fence boiler laptop router printer drone telescope aquarium terrarium quilt sweater scarf kimono ' +
  'bookshelf desk sofa mattress curtains lamp rug mural canvas easel clay glaze kiln loom yarn dumplings curry ' +
  'lasagne ramen paella tagine bread cake pie jam pickles kimchi kombucha cider wine espresso matcha smoothie ' +
  'passport visa insurance mortgage lease pension budget invoice contract résumé portfolio interview promotion ' +
  'conference workshop hackathon webinar exhibition concert festival recital wedding reunion funeral christening ' +
  'vaccine checkup dentist physio therapy yoga pilates climbing bouldering sailing surfing skiing snowboarding ' +
  'chess poker sudoku crossword puzzle lego origami calligraphy embroidery woodwork welding beekeeping composting'
).split(' ');
const ADJECTIVES = (
  'old new vintage broken shiny secondhand borrowed expensive cheap tiny huge handmade electric ' +
  'wooden ceramic red blue green organic spicy sweet quiet noisy weekly monthly annual surprise overdue'
).split(' ');
const PLACES = (
  'Porto Kyoto Berlin Lisbon Nairobi Oaxaca Oslo Lima Quito Hanoi Tbilisi Dakar Montreal Seville Krakow ' +
  'Reykjavik Busan Cusco Valparaiso Ljubljana Tallinn Marrakesh Istanbul Sapporo Bergen Galway Bruges Salzburg'
).split(' ');
const SETTINGS = [
  'at the office',
  'at home',
  'in the mountains',
  'downtown',
  'at the library',
  'by the lake',
  'online',
  'at the market',
  'at the community centre',
  'near the river',
  'in the garage',
  'at school',
];
const TAILS = [
  'and loved it',
  'but it rained',
  'with the kids',
  'for the second time',
  'after work',
  'on a budget',
  'which took longer than expected',
  'and wants to do it again',
  'with an old friend',
  'to relax',
  'before the deadline',
  '',
];
const object = (pick: <T>(items: readonly T[]) => T) => `the ${pick(ADJECTIVES)} ${pick(THINGS)}`;
const place = (pick: <T>(items: readonly T[]) => T) =>
  pick([true, false]) ? `in ${pick(PLACES)}` : pick(SETTINGS);
const QUERY_TEMPLATES = [
  (o: string) => `what did we decide about ${o}?`,
  (o: string, p: string) => `when did I go ${p}?`,
  (o: string, p: string, who: string) => `what does ${who} think of ${o}`,
  (o: string) => `remind me about ${o} last month`,
  (o: string, p: string) => `anything ${p.replace('to ', 'in ')} in May 2024`,
  (o: string) => `${o.replace(/^(a|the) /, '')} plans`,
];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function runMemories(count: number): Promise<{ ingest_per_s: number; p50_ms: number; p99_ms: number }> {
  const random = mulberry32(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const { db, close } = await openTempStorage();
  const retrieval = new HybridRetrieval({ db, logger: silentLogger });
  const now = Date.UTC(2025, 0, 1);
  try {
    await retrieval.start();
    const started = performance.now();
    for (let done = 0; done < count;) {
      const rows = Math.min(INSERT_ROWS_PER_STATEMENT, count - done);
      const params: (string | number | null)[] = [];
      for (let i = 0; i < rows; i++) {
        const n = done + i;
        const text = `${pick(PEOPLE)} ${pick(VERBS)} ${object(pick)} ${place(pick)} ${pick(TAILS)}`.trim();
        const at = now - Math.floor(random() * 3 * 365) * 86_400_000;
        const eventDate = random() < 0.4 ? new Date(at).toISOString().slice(0, 10) : null;
        params.push(
          `mem-${n}`,
          text,
          pick(MEMORY_KINDS),
          round(random(), 2),
          random() < 0.02 ? 1 : 0,
          eventDate,
          at,
          at,
        );
      }
      await db.transaction(() =>
        db.run(
          `INSERT INTO memories (id, text, kind, importance, pinned, event_date, created_by, created_at, updated_at)
           VALUES ${Array.from({ length: rows }, () => "(?, ?, ?, ?, ?, ?, 'daemon', ?, ?)").join(', ')}`,
          params,
        ),
      );
      done += rows;
      // Embedding is part of ingest: index as the daemon would after writes.
      while ((await retrieval.indexPending(4096)) > 0) {
        // keep going until this chunk is embedded
      }
      if (done % 5000 === 0 || done === count) progress(`memories: ${done}/${count} ingested`);
    }
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write('\n');

    const latencies: number[] = [];
    const bm25Latencies: number[] = [];
    for (let i = 0; i < QUERIES + 20; i++) {
      const template = QUERY_TEMPLATES[i % QUERY_TEMPLATES.length]!;
      const query = template(`the ${pick(THINGS)}`, `to ${pick(PLACES)}`, pick(PEOPLE));
      let t0 = performance.now();
      const result = await retrieval.retrieve(query, { k: 10, now });
      const elapsed = performance.now() - t0;
      t0 = performance.now();
      await retrieval.retrieve(query, { k: 10, now, mode: 'bm25' });
      const bm25Elapsed = performance.now() - t0;
      // The first few warm SQLite's page cache and the JIT.
      if (i >= 20) {
        latencies.push(elapsed);
        bm25Latencies.push(bm25Elapsed);
      }
      if (result.memories.length === 0) throw new Error(`no memories for "${query}"`);
    }
    console.log(
      `  (BM25 alone: p50 ${round(percentile(bm25Latencies, 50))} ms, p99 ${round(percentile(bm25Latencies, 99))} ms)`,
    );
    const figures = {
      ingest_per_s: Math.round(count / seconds),
      p50_ms: round(percentile(latencies, 50)),
      p99_ms: round(percentile(latencies, 99)),
    };
    console.log(
      `${count} memories: ingest ${figures.ingest_per_s}/s (insert + FTS + embedding); retrieval p50 ${figures.p50_ms} ms, p99 ${figures.p99_ms} ms (goal p50 < ${GOAL_P50_MS} ms)`,
    );
    return figures;
  } finally {
    await retrieval.stop();
    await close();
  }
}

async function main(): Promise<void> {
  const dataset = argument('dataset');
  const memoriesArg = argument('memories');
  const summary: Record<string, unknown> = {};
  if (dataset) {
    const report = await runLocomo(dataset);
    for (const mode of ['bm25', 'hybrid'] as const) {
      const o = report.modes[mode].overall;
      summary[mode] = { r5: round(o.r5, 3), r10: round(o.r10, 3) };
    }
    summary.p50_ms = round(percentile(report.latencies, 50));
    summary.p99_ms = round(percentile(report.latencies, 99));
  }
  if (!dataset || memoriesArg !== undefined) {
    const count = Number(memoriesArg || 100_000);
    if (!Number.isInteger(count) || count <= 0) throw new Error('--memories takes a positive whole number');
    summary[count === 100_000 ? 'mem100k' : `mem${count}`] = await runMemories(count);
  }
  console.log(JSON.stringify(summary));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
