import { parentPort, workerData } from 'node:worker_threads';
import type {
  ChatHistoryItem,
  ChatModelFunctions,
  Llama,
  LlamaChat,
  LlamaContext,
  LlamaEmbeddingContext,
  LlamaModel,
} from 'node-llama-cpp';
import type { ErrorShape } from '../../protocol/errors.js';
import type { Accelerator } from '../../protocol/local-model-entities.js';
import { chooseContextSize, kvBytesPerToken, kvShapeOf } from './context-size.js';
import { templateDeclaresTools } from './gguf-inspect.js';
import type { FromWorker, Generated, LoadRequest, ToWorker } from './worker-protocol.js';

/**
 * The model worker: a thread of its own that owns node-llama-cpp. It loads models, keeps one
 * context per model, generates (streaming text back as it comes) and embeds. Requests for one
 * model run one at a time; the core's thread only posts messages.
 */

interface WorkerOptions {
  /** false keeps to the CPU build (tests, machines with a broken GPU driver). */
  gpu: boolean;
  /** CPU threads per context; node-llama-cpp's default (the physical cores) when absent. */
  threads?: number;
}

const options = (workerData ?? { gpu: true }) as WorkerOptions;
const port = parentPort!;

interface LoadedModel {
  model: LlamaModel;
  kind: 'chat' | 'embedding';
  context: LlamaContext | null;
  chat: LlamaChat | null;
  embedding: LlamaEmbeddingContext | null;
  supportsTools: boolean;
  /** Requests for this model, one after another. */
  queue: Promise<unknown>;
}

const DEFAULT_MAX_TOKENS = 4096;

let llama: Promise<Llama> | null = null;
const models = new Map<string, Promise<LoadedModel>>();
const aborts = new Map<number, AbortController>();

function send(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

class WorkerError extends Error {
  constructor(readonly shape: ErrorShape) {
    super(shape.message);
  }
}

function toShape(err: unknown): ErrorShape {
  if (err instanceof WorkerError) return err.shape;
  const name = err instanceof Error ? err.name : '';
  const message = err instanceof Error ? err.message : String(err);
  if (/context (shift|size)|does not fit/i.test(message)) {
    return {
      code: 'PROVIDER_CONTEXT_TOO_LONG',
      message:
        'This conversation (with its instructions and tools) is longer than the context this model got from the free memory. Start a new conversation, or free some memory.',
    };
  }
  if (name === 'InsufficientMemoryError' || /memory/i.test(message)) {
    return {
      code: 'LOCAL_MODEL_TOO_BIG',
      message:
        'There is not enough free memory to run this model now. Close other programs or choose a smaller model.',
    };
  }
  return {
    code: 'LOCAL_MODEL_FAILED',
    message: `The model could not run: ${message.split('\n')[0]!.slice(0, 200)}`,
  };
}

async function getLlamaOnce(): Promise<Llama> {
  llama ??= (async () => {
    const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
    return getLlama({
      gpu: options.gpu ? 'auto' : false,
      build: 'never',
      logLevel: LlamaLogLevel.error,
      progressLogs: false,
    });
  })();
  return llama;
}

async function load(
  request: LoadRequest,
): Promise<{ loaded: LoadedModel; result: ReturnType<typeof loadedResult> }> {
  const started = performance.now();
  const existing = models.get(request.path);
  if (existing) {
    const loaded = await existing;
    return { loaded, result: loadedResult(loaded, started) };
  }
  const loading = (async (): Promise<LoadedModel> => {
    const lib = await getLlamaOnce();
    const { resolveChatWrapper, LlamaChat } = await import('node-llama-cpp');
    const model = await lib.loadModel({ modelPath: request.path });
    try {
      const metadata = model.fileInfo.metadata as unknown as Record<string, unknown>;
      const architecture = String((metadata.general as { architecture?: unknown }).architecture);
      const trained = model.trainContextSize;
      const contextSize = chooseContextSize({
        trainedContext: trained,
        shape: kvShapeOf(metadata, architecture),
        freeMemoryBytes: request.freeMemoryBytes,
        weightsBytes: model.size,
        ...(request.maxContext !== undefined ? { maxContext: request.maxContext } : {}),
      });
      if (contextSize === null) {
        const perToken = kvBytesPerToken(kvShapeOf(metadata, architecture));
        throw new WorkerError({
          code: 'LOCAL_MODEL_TOO_BIG',
          message: `This model needs about ${Math.round((model.size + perToken * 512) / 1e6)} MB of free memory and this computer has ${Math.round(request.freeMemoryBytes / 1e6)} MB free. Close other programs or choose a smaller model.`,
        });
      }
      if (request.kind === 'embedding') {
        const embedding = await model.createEmbeddingContext({
          contextSize: Math.min(contextSize, trained),
          ...(options.threads ? { threads: options.threads } : {}),
        });
        return {
          model,
          kind: 'embedding',
          context: null,
          chat: null,
          embedding,
          supportsTools: false,
          queue: Promise.resolve(),
        };
      }
      const context = await model.createContext({
        contextSize,
        sequences: 1,
        ...(options.threads ? { threads: options.threads } : {}),
      });
      const chatWrapper = resolveChatWrapper(model);
      const template = (metadata.tokenizer as { chat_template?: unknown } | undefined)?.chat_template;
      const chat = new LlamaChat({ contextSequence: context.getSequence(), chatWrapper });
      return {
        model,
        kind: 'chat',
        context,
        chat,
        embedding: null,
        supportsTools: templateDeclaresTools(typeof template === 'string' ? template : null),
        queue: Promise.resolve(),
      };
    } catch (err) {
      await model.dispose();
      throw err;
    }
  })();
  models.set(request.path, loading);
  try {
    const loaded = await loading;
    return { loaded, result: loadedResult(loaded, started) };
  } catch (err) {
    models.delete(request.path);
    throw err;
  }
}

function loadedResult(loaded: LoadedModel, started: number) {
  return {
    contextSize: loaded.context?.contextSize ?? loaded.model.trainContextSize,
    trainedContext: loaded.model.trainContextSize,
    supportsTools: loaded.supportsTools,
    loadMs: Math.round(performance.now() - started),
  };
}

/** Runs `work` after the model's earlier requests: one context, one generation at a time. */
function queued<T>(loaded: LoadedModel, work: () => Promise<T>): Promise<T> {
  const next = loaded.queue.then(work, work);
  loaded.queue = next.catch(() => undefined);
  return next;
}

async function requireModel(path: string): Promise<LoadedModel> {
  const loaded = models.get(path);
  if (!loaded) throw new WorkerError({ code: 'LOCAL_MODEL_FAILED', message: 'The model is not loaded.' });
  return loaded;
}

async function generate(message: Extract<ToWorker, { type: 'generate' }>): Promise<Generated> {
  const loaded = await requireModel(message.path);
  const controller = new AbortController();
  aborts.set(message.id, controller);
  try {
    return await queued(loaded, async () => {
      const chat = loaded.chat!;
      const meter = chat.sequence.tokenMeter;
      const before = { input: meter.usedInputTokens, output: meter.usedOutputTokens };
      const started = performance.now();
      let firstToken: number | null = null;
      const { settings } = message;
      const response = await chat.generateResponse(message.history as ChatHistoryItem[], {
        ...(message.functions && Object.keys(message.functions).length > 0
          ? { functions: message.functions as ChatModelFunctions }
          : {}),
        // A model that never ends its turn would otherwise fill its whole context.
        maxTokens:
          settings.maxTokens ?? Math.min(DEFAULT_MAX_TOKENS, Math.floor(loaded.context!.contextSize / 2)),
        ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
        ...(settings.topP !== undefined ? { topP: settings.topP } : {}),
        ...(settings.topK !== undefined ? { topK: settings.topK } : {}),
        ...(settings.seed !== undefined ? { seed: settings.seed } : {}),
        ...(settings.stopSequences?.length ? { customStopTriggers: settings.stopSequences } : {}),
        signal: controller.signal,
        stopOnAbortSignal: true,
        onTextChunk: (text) => {
          firstToken ??= performance.now();
          if (text) send({ type: 'text', id: message.id, text });
        },
      });
      const ended = performance.now();
      return {
        text: response.response,
        functionCalls: (response.functionCalls ?? []).map((c) => ({
          name: c.functionName,
          params: c.params,
        })),
        stopReason: response.metadata.stopReason,
        inputTokens: meter.usedInputTokens - before.input,
        outputTokens: meter.usedOutputTokens - before.output,
        firstTokenMs: firstToken === null ? null : Math.round(firstToken - started),
        decodeMs: firstToken === null ? 0 : ended - firstToken,
      } satisfies Generated;
    });
  } finally {
    aborts.delete(message.id);
  }
}

async function embed(path: string, texts: string[]): Promise<Float32Array[]> {
  const loaded = await requireModel(path);
  return queued(loaded, async () => {
    const vectors: Float32Array[] = [];
    for (const text of texts) {
      const { vector } = await loaded.embedding!.getEmbeddingFor(text);
      vectors.push(Float32Array.from(vector));
    }
    return vectors;
  });
}

async function unload(path: string): Promise<void> {
  const loading = models.get(path);
  if (!loading) return;
  models.delete(path);
  const loaded = await loading.catch(() => null);
  if (!loaded) return;
  await loaded.queue;
  await loaded.embedding?.dispose();
  await loaded.context?.dispose();
  await loaded.model.dispose();
}

async function machine(): Promise<Accelerator> {
  const { getLlamaGpuTypes } = await import('node-llama-cpp');
  const types = await getLlamaGpuTypes('supported');
  if (types.includes('metal')) return 'metal';
  if (types.includes('cuda')) return 'cuda';
  if (types.includes('vulkan')) return 'vulkan';
  return 'cpu';
}

async function handle(message: ToWorker): Promise<void> {
  try {
    switch (message.type) {
      case 'load': {
        const { result } = await load(message.request);
        return send({ type: 'loaded', id: message.id, result });
      }
      case 'generate':
        return send({ type: 'generated', id: message.id, result: await generate(message) });
      case 'abort':
        aborts.get(message.id)?.abort();
        return;
      case 'embed': {
        const vectors = await embed(message.path, message.texts);
        return send(
          { type: 'embedded', id: message.id, vectors },
          vectors.map((v) => v.buffer as ArrayBuffer),
        );
      }
      case 'unload':
        await unload(message.path);
        return send({ type: 'unloaded', id: message.id });
      case 'machine':
        return send({ type: 'machine', id: message.id, accelerator: await machine() });
    }
  } catch (err) {
    send({ type: 'error', id: message.id, error: toShape(err) });
  }
}

port.on('message', (message: ToWorker) => void handle(message));
