import type { ErrorShape } from '../../protocol/errors.js';
import type { Accelerator } from '../../protocol/local-model-entities.js';

/**
 * The messages between the core and the model worker thread (model-worker.ts), which owns
 * node-llama-cpp: loading a model and every token it computes happen there, never on the
 * thread that serves the UI and the gateway.
 */

/** A turn of the conversation as node-llama-cpp's chat history holds it (plain JSON). */
export type HistoryItem =
  | { type: 'system'; text: string }
  | { type: 'user'; text: string }
  | { type: 'model'; response: ModelResponsePart[] };

export type ModelResponsePart =
  string | { type: 'functionCall'; name: string; params: unknown; result: unknown };

/** A tool as node-llama-cpp's function calling takes it: a description and a GBNF JSON schema. */
export interface WorkerFunction {
  description?: string;
  params?: unknown;
}

export interface GenerateSettings {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  stopSequences?: string[];
}

export interface LoadRequest {
  path: string;
  kind: 'chat' | 'embedding';
  /** Free memory the context may use, measured on the core's side (bytes). */
  freeMemoryBytes: number;
  /** Caps the context size (the benchmark and the tests keep it small). */
  maxContext?: number;
}

export type ToWorker =
  | { type: 'load'; id: number; request: LoadRequest }
  | {
      type: 'generate';
      id: number;
      path: string;
      history: HistoryItem[];
      functions: Record<string, WorkerFunction> | null;
      settings: GenerateSettings;
    }
  | { type: 'abort'; id: number }
  | { type: 'embed'; id: number; path: string; texts: string[] }
  | { type: 'unload'; id: number; path: string }
  | { type: 'machine'; id: number };

export interface Loaded {
  contextSize: number;
  trainedContext: number | null;
  /** Whether the model's chat template does function calling (chat models only). */
  supportsTools: boolean;
  loadMs: number;
}

export interface Generated {
  text: string;
  functionCalls: { name: string; params: unknown }[];
  stopReason:
    'eogToken' | 'stopGenerationTrigger' | 'functionCalls' | 'maxTokens' | 'abort' | 'customStopTrigger';
  inputTokens: number;
  outputTokens: number;
  /** Time to the first token and the decode time after it, for the benchmark. */
  firstTokenMs: number | null;
  decodeMs: number;
}

export type FromWorker =
  | { type: 'loaded'; id: number; result: Loaded }
  | { type: 'text'; id: number; text: string }
  | { type: 'generated'; id: number; result: Generated }
  | { type: 'embedded'; id: number; vectors: Float32Array[] }
  | { type: 'unloaded'; id: number }
  | { type: 'machine'; id: number; accelerator: Accelerator }
  | { type: 'error'; id: number; error: ErrorShape };
