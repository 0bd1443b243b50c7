import { describe, expect, it } from 'vitest';
import { formatBytes, progressText, stateLabel } from '../../../src-renderer/lib/local-model-format.js';
import type { LocalModel } from '../../../src-main/core/protocol/index.js';

const model = (over: Partial<LocalModel>): LocalModel => ({
  name: 'qwen2.5-0.5b-instruct',
  label: 'Qwen2.5 0.5B Instruct (Q4_K_M)',
  kind: 'chat',
  state: 'ready',
  source: 'https://example.org/q.gguf',
  sizeBytes: 491_400_032,
  sha256: null,
  checksumPublished: true,
  progress: null,
  error: null,
  architecture: 'qwen2',
  trainedContext: 32768,
  supportsTools: true,
  runtime: { state: 'unloaded', contextSize: null },
  addedAt: 0,
  ...over,
});

describe('local model wording', () => {
  it('writes sizes in decimal units, as downloads are quoted', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(491_400_032)).toBe('491 MB');
    expect(formatBytes(1_117_320_736)).toBe('1.1 GB');
  });

  it('says bytes of total, speed and time left, leaving out what is unknown', () => {
    expect(
      progressText({ receivedBytes: 220e6, totalBytes: 491_400_032, bytesPerSecond: 12e6, secondsLeft: 22 }),
    ).toBe('220 MB of 491 MB · 12 MB/s · 22 s left');
    expect(progressText({ receivedBytes: 5e6, totalBytes: null, bytesPerSecond: 0, secondsLeft: null })).toBe(
      '5.0 MB',
    );
    expect(
      progressText({ receivedBytes: 1e6, totalBytes: 2e9, bytesPerSecond: 1e6, secondsLeft: 3725 }),
    ).toBe('1.0 MB of 2.0 GB · 1.0 MB/s · 1 h 2 min left');
  });

  it('names the state: the download share, then whether the runtime holds it', () => {
    const progress = {
      receivedBytes: 245_700_016,
      totalBytes: 491_400_032,
      bytesPerSecond: 1,
      secondsLeft: 1,
    };
    expect(stateLabel(model({ state: 'downloading', progress }))).toBe('Downloading 50%');
    expect(stateLabel(model({ state: 'verifying' }))).toBe('Checking…');
    expect(stateLabel(model({ runtime: { state: 'loaded', contextSize: 8192 } }))).toBe('Loaded');
    expect(stateLabel(model({}))).toBe('Ready');
  });
});
