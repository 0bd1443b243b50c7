import type {
  EmbeddingModelV3,
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
  SharedV3Warning,
} from '@ai-sdk/provider';
import { toChatHistory, toFunctions } from './prompt-conversion.js';
import type { Generated, GenerateSettings } from './worker-protocol.js';
import type { LocalRuntime } from './local-runtime.js';

/** How the language model finds its file: resolved (and checked) at every call, so a removed model fails clearly. */
export interface LocalModelFile {
  name: string;
  /** The path of a ready, checked file; throws a Cell0Error saying why not. */
  resolvePath(): Promise<string>;
  /** Whether tools may be offered (the model's template declares function calling). */
  supportsTools: boolean;
}

function usageOf(result: Generated | null): LanguageModelV3Usage {
  return {
    inputTokens: {
      total: result?.inputTokens,
      noCache: result?.inputTokens,
      cacheRead: undefined,
      cacheWrite: undefined,
    },
    outputTokens: { total: result?.outputTokens, text: result?.outputTokens, reasoning: undefined },
  };
}

function finishOf(result: Generated): LanguageModelV3FinishReason {
  if (result.functionCalls.length > 0) return { unified: 'tool-calls', raw: result.stopReason };
  if (result.stopReason === 'maxTokens') return { unified: 'length', raw: result.stopReason };
  if (result.stopReason === 'abort') return { unified: 'other', raw: result.stopReason };
  return { unified: 'stop', raw: result.stopReason };
}

function settingsOf(options: LanguageModelV3CallOptions): {
  settings: GenerateSettings;
  warnings: SharedV3Warning[];
} {
  const warnings: SharedV3Warning[] = [];
  for (const feature of ['presencePenalty', 'frequencyPenalty'] as const) {
    if (options[feature] !== undefined) warnings.push({ type: 'unsupported', feature });
  }
  if (options.responseFormat?.type === 'json')
    warnings.push({ type: 'unsupported', feature: 'responseFormat' });
  return {
    settings: {
      ...(options.maxOutputTokens !== undefined ? { maxTokens: options.maxOutputTokens } : {}),
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(options.topP !== undefined ? { topP: options.topP } : {}),
      ...(options.topK !== undefined ? { topK: options.topK } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.stopSequences?.length ? { stopSequences: options.stopSequences } : {}),
    },
    warnings,
  };
}

let callIds = 0;

/**
 * A model on this computer as an AI SDK language model (specification v3), so the one agent
 * turn streams it, stops it and counts it like any provider's. The prompt is rendered by the
 * model's own chat template inside the worker; tool calls come back as AI SDK tool calls for
 * the turn to run through the kernel.
 */
export class LocalLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3' as const;
  readonly provider = 'local';
  readonly supportedUrls = {};

  constructor(
    private readonly file: LocalModelFile,
    private readonly runtime: LocalRuntime,
  ) {}

  get modelId(): string {
    return this.file.name;
  }

  async doGenerate(options: LanguageModelV3CallOptions) {
    const { stream } = await this.doStream(options);
    const content: LanguageModelV3Content[] = [];
    let text = '';
    let finishReason: LanguageModelV3FinishReason = { unified: 'other', raw: undefined };
    let usage = usageOf(null);
    let warnings: SharedV3Warning[] = [];
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.type === 'stream-start') warnings = value.warnings;
      else if (value.type === 'text-delta') text += value.delta;
      else if (value.type === 'tool-call') content.push(value);
      else if (value.type === 'finish') {
        finishReason = value.finishReason;
        usage = value.usage;
      } else if (value.type === 'error') throw value.error;
    }
    if (text) content.unshift({ type: 'text', text });
    return { content, finishReason, usage, warnings };
  }

  async doStream(options: LanguageModelV3CallOptions) {
    const path = await this.file.resolvePath();
    const { settings, warnings } = settingsOf(options);
    const functions = this.file.supportsTools ? toFunctions(options.tools) : null;
    if (options.tools?.length && !this.file.supportsTools) {
      warnings.push({
        type: 'unsupported',
        feature: 'tools',
        details: 'its chat template has no function calling',
      });
    }
    const history = toChatHistory(options.prompt);
    const runtime = this.runtime;
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      async start(controller) {
        controller.enqueue({ type: 'stream-start', warnings });
        let textOpen = false;
        try {
          const result = await runtime.generate(
            path,
            { history, functions, settings },
            {
              signal: options.abortSignal,
              onText: (delta) => {
                if (!textOpen) {
                  controller.enqueue({ type: 'text-start', id: 'text' });
                  textOpen = true;
                }
                controller.enqueue({ type: 'text-delta', id: 'text', delta });
              },
            },
          );
          if (textOpen) controller.enqueue({ type: 'text-end', id: 'text' });
          for (const call of result.functionCalls) {
            controller.enqueue({
              type: 'tool-call',
              toolCallId: `local-${++callIds}`,
              toolName: call.name,
              input: JSON.stringify(call.params ?? {}),
            });
          }
          controller.enqueue({ type: 'finish', finishReason: finishOf(result), usage: usageOf(result) });
        } catch (err) {
          controller.enqueue({ type: 'error', error: err });
        }
        controller.close();
      },
    });
    return { stream, request: { body: { history, functions } } };
  }
}

/** An embedding model on this computer as an AI SDK embedding model (specification v3). */
export class LocalEmbeddingModel implements EmbeddingModelV3 {
  readonly specificationVersion = 'v3' as const;
  readonly provider = 'local';
  readonly maxEmbeddingsPerCall = 64;
  readonly supportsParallelCalls = false;

  constructor(
    private readonly file: LocalModelFile,
    private readonly runtime: LocalRuntime,
  ) {}

  get modelId(): string {
    return this.file.name;
  }

  async doEmbed(options: { values: string[]; abortSignal?: AbortSignal }) {
    const path = await this.file.resolvePath();
    const vectors = await this.runtime.embed(path, options.values);
    return { embeddings: vectors.map((v) => Array.from(v)), warnings: [] };
  }
}
