/**
 * bench:local — a model on this computer, through the same worker thread the app uses.
 *
 *   npm run bench:local                       a generated GGUF with Qwen2.5 0.5B's layer shapes
 *                                             (q8_0, random weights, the test suite's vocabulary)
 *   npm run bench:local -- --model FILE       any GGUF chat model
 *   npm run bench:local -- --embedder FILE    also: memory recall with that embedding model
 *                                             (LoCoMo evidence recall@5/@10, hybrid vs BM25)
 *     --dataset FILE     the LoCoMo-format set for recall (default test/fixtures/locomo/mini.json)
 *     --tiny             the test suite's tiny model instead of the 0.5B shapes (a quick check)
 *     --threads N        CPU threads (default: node-llama-cpp's, the physical cores)
 *
 * Figures: load time, time to first token (a ~500-token prompt, so it is mostly prefill),
 * prefill and decode tokens per second, and the process's peak RSS (the worker thread's native
 * memory included). Progress goes to stderr; the last stdout line is one JSON object.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalEmbeddingModel } from '../src-main/core/agents/local/local-language-model.js';
import { LocalRuntime } from '../src-main/core/agents/local/local-runtime.js';
import { silentLogger } from '../src-main/core/base/logger.js';
import { ProviderEmbedder } from '../src-main/core/memory/retrieval/provider-embedder.js';
import { StorageService } from '../src-main/core/storage/storage-service.js';
import { parseLocomo } from './locomo/locomo.js';
import { evaluateLocomo } from './locomo/locomo-eval.js';

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  return value && !value.startsWith('--') ? value : '';
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const log = (text: string) => process.stderr.write(`${text}\n`);

const PROMPT =
  'Here is a note from a long conversation about planning a trip to the mountains with a sister and her dog, ' +
  'the weather on Saturday and Sunday, a meeting that moved to Tuesday, and a preference for tea over coffee. ';

async function main(): Promise<void> {
  const threads = Number(argument('threads')) || undefined;
  const runtime = new LocalRuntime({
    gpu: process.env.CELL0_LOCAL_GPU !== '0',
    ...(threads ? { threads } : {}),
    maxContext: 4096,
  });
  const temp = await mkdtemp(join(tmpdir(), 'cell0-bench-local-'));
  try {
    let modelPath = argument('model');
    let modelLabel = modelPath ? resolve(modelPath) : '';
    if (!modelPath) {
      const tiny = argument('tiny') !== undefined;
      log(`writing a generated model (${tiny ? 'tiny' : "Qwen2.5 0.5B's shapes, q8_0"})…`);
      // Written by a child process: the weights built in JavaScript would otherwise count in
      // this process's peak RSS, which is meant to measure the runtime.
      const script = `import('./test/fixtures/gguf/tiny-models.ts').then(async (m) => {
        const bytes = m.tinyChatModel(${tiny ? '{}' : "{ shape: m.HALF_B_SHAPE, name: 'Bench 0.5B shapes' }"});
        const w = await m.writeModel(${JSON.stringify(temp)}, 'bench.gguf', bytes);
        process.stdout.write(JSON.stringify(w));
      })`;
      const written = JSON.parse(
        execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { maxBuffer: 1 << 20 }).toString(),
      ) as { path: string; size: number };
      modelPath = written.path;
      modelLabel = tiny ? 'generated tiny' : `generated 0.5B shapes (${Math.round(written.size / 1e6)} MB)`;
    }
    log(`loading ${modelLabel}…`);
    const loaded = await runtime.ensureLoaded(resolve(modelPath), 'chat');
    log(`loaded in ${loaded.loadMs} ms, context ${loaded.contextSize}`);

    // A warm-up turn, then the measured one with a fresh prompt (nothing of it cached).
    await runtime.generate(
      resolve(modelPath),
      {
        history: [
          { type: 'user', text: 'Hi' },
          { type: 'model', response: [] },
        ],
        functions: null,
        settings: { maxTokens: 4 },
      },
      {},
    );
    const text = PROMPT.repeat(5);
    const result = await runtime.generate(
      resolve(modelPath),
      {
        history: [
          { type: 'user', text },
          { type: 'model', response: [] },
        ],
        functions: null,
        settings: { maxTokens: 64, temperature: 0 },
      },
      {},
    );
    const firstTokenMs = result.firstTokenMs ?? 0;
    const prefill = firstTokenMs > 0 ? result.inputTokens / (firstTokenMs / 1000) : 0;
    const decode = result.decodeMs > 0 ? (result.outputTokens - 1) / (result.decodeMs / 1000) : 0;
    console.log(`model: ${modelLabel}`);
    console.log(
      `load: ${loaded.loadMs} ms · context ${loaded.contextSize} tokens (chosen from free memory, capped at 4096)`,
    );
    console.log(`time to first token: ${firstTokenMs} ms for a ${result.inputTokens}-token prompt`);
    console.log(
      `prefill: ${round(prefill)} tokens/s · decode: ${round(decode)} tokens/s (${result.outputTokens} tokens)`,
    );

    let recall: {
      embedder: string;
      hybridR5: number;
      hybridR10: number;
      bm25R10: number;
      questions: number;
    } | null = null;
    const embedderFile = argument('embedder');
    if (embedderFile) {
      const path = resolve(embedderFile);
      const dataset = argument('dataset') || 'test/fixtures/locomo/mini.json';
      log(`memory recall with ${path} on ${dataset}…`);
      const model = new LocalEmbeddingModel(
        { name: 'bench', supportsTools: false, resolvePath: async () => path },
        runtime,
      );
      const embedder = new ProviderEmbedder(model, 'local:bench', { maxRetries: 0 });
      const samples = parseLocomo(JSON.parse(await readFile(dataset, 'utf8')));
      const report = await evaluateLocomo(samples, {
        embedder,
        logger: silentLogger,
        openDatabase: async () => {
          const dir = await mkdtemp(join(temp, 'db-'));
          const storage = new StorageService(dir);
          await storage.start();
          await storage.db.exec('PRAGMA synchronous = NORMAL');
          return { db: storage.db, close: () => storage.stop() };
        },
        onProgress: (done, total) => process.stderr.write(`\rrecall: question ${done}/${total}\x1b[K`),
      });
      process.stderr.write('\n');
      const hybrid = report.modes.hybrid.overall;
      const bm25 = report.modes.bm25.overall;
      console.log(
        `memory recall (${hybrid.questions} questions): hybrid with this embedder R@5 ${hybrid.r5.toFixed(3)} R@10 ${hybrid.r10.toFixed(3)} · BM25 alone R@10 ${bm25.r10.toFixed(3)}`,
      );
      recall = {
        embedder: path,
        hybridR5: round(hybrid.r5, 3),
        hybridR10: round(hybrid.r10, 3),
        bm25R10: round(bm25.r10, 3),
        questions: hybrid.questions,
      };
    }
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(`peak RSS: ${peakRssMb} MB`);
    console.log(
      JSON.stringify({
        model: modelLabel,
        loadMs: loaded.loadMs,
        contextSize: loaded.contextSize,
        promptTokens: result.inputTokens,
        timeToFirstTokenMs: firstTokenMs,
        prefillTokensPerSecond: round(prefill),
        decodeTokensPerSecond: round(decode),
        peakRssMb,
        ...(recall ? { memoryRecall: recall } : {}),
      }),
    );
  } finally {
    await runtime.stop();
    await rm(temp, { recursive: true, force: true });
  }
}

await main();
