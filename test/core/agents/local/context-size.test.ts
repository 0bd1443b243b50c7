import { describe, expect, it } from 'vitest';
import {
  chooseContextSize,
  kvBytesPerToken,
  kvShapeOf,
} from '../../../../src-main/core/agents/local/context-size.js';

// Qwen2.5 0.5B: 24 layers, 2 KV heads of 64: 12 KiB of f16 KV cache per token.
const QWEN_05B = { layers: 24, kvWidth: 128 };

describe('context size from free memory', () => {
  it('costs a key and a value per layer in f16 for each token', () => {
    expect(kvBytesPerToken(QWEN_05B)).toBe(12_288);
  });

  it('gives what the model was trained for, capped, when memory is plentiful', () => {
    expect(
      chooseContextSize({
        trainedContext: 32_768,
        shape: QWEN_05B,
        freeMemoryBytes: 16e9,
        weightsBytes: 5e8,
      }),
    ).toBe(32_768);
    expect(
      chooseContextSize({
        trainedContext: 131_072,
        shape: QWEN_05B,
        freeMemoryBytes: 64e9,
        weightsBytes: 5e8,
      }),
    ).toBe(32_768);
    expect(
      chooseContextSize({ trainedContext: 2048, shape: QWEN_05B, freeMemoryBytes: 16e9, weightsBytes: 5e8 }),
    ).toBe(2048);
  });

  it('shrinks to half of what is free after the weights, in steps of 256', () => {
    // 1 GB free, 0.5 GB of weights: 250 MB for the cache, 20,345 tokens, rounded down.
    expect(
      chooseContextSize({ trainedContext: 32_768, shape: QWEN_05B, freeMemoryBytes: 1e9, weightsBytes: 5e8 }),
    ).toBe(20_224);
  });

  it('says no when not even 512 tokens fit', () => {
    expect(
      chooseContextSize({
        trainedContext: 32_768,
        shape: QWEN_05B,
        freeMemoryBytes: 5.05e8,
        weightsBytes: 5e8,
      }),
    ).toBeNull();
  });

  it('respects a caller cap', () => {
    expect(
      chooseContextSize({
        trainedContext: 32_768,
        shape: QWEN_05B,
        freeMemoryBytes: 16e9,
        weightsBytes: 5e8,
        maxContext: 4096,
      }),
    ).toBe(4096);
  });

  it('reads the shape from GGUF metadata, key width from the heads when not given', () => {
    const metadata = {
      llama: { block_count: 16, embedding_length: 2048, attention: { head_count: 32, head_count_kv: 8 } },
    };
    expect(kvShapeOf(metadata, 'llama')).toEqual({ layers: 16, kvWidth: 512 });
  });
});
