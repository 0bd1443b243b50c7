import { generateText, Output } from 'ai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createCore } from '../../../src-main/core/app.js';
import { languageModel } from '../../../src-main/core/agents/provider-sdks.js';
import { routeSdkWarnings } from '../../../src-main/core/agents/sdk-warnings.js';
import { FakeOpenAI } from '../../fixtures/fake-openai.js';
import { tempDir, testKeychainService } from '../../helpers/core.js';
import { recordingLogger } from '../../helpers/recording-logger.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.restoreAllMocks();
});

describe('AI SDK warnings', () => {
  it('reach the logger once per provider and model, not the console at every call', async () => {
    const fake = new FakeOpenAI();
    await fake.start();
    cleanups.push(() => fake.stop());
    const { logger, lines } = recordingLogger();
    const printed = { warn: vi.spyOn(console, 'warn'), info: vi.spyOn(console, 'info') };
    const undo = routeSdkWarnings(logger);
    cleanups.push(undo);
    const model = languageModel(
      { kind: 'openai-compatible', baseUrl: fake.baseUrl, apiKey: null },
      'fake-small',
    );
    // A JSON schema the openai-compatible provider cannot pass on: the SDK warns at every call.
    for (let call = 0; call < 3; call++) {
      fake.script({ tokens: ['{"ok": true}'] });
      await generateText({
        model,
        prompt: 'hi',
        output: Output.object({ schema: z.object({ ok: z.boolean() }) }),
      });
    }
    expect(lines).toEqual([
      {
        level: 'warn',
        message: expect.stringMatching(
          /^model warning \(.+ \/ fake-small\): “responseFormat” is not supported/,
        ),
        detail: undefined,
      },
    ]);
    expect(printed.warn).not.toHaveBeenCalled();
    expect(printed.info).not.toHaveBeenCalled();
  });

  it('are routed by a running core, and handed back when it stops', async () => {
    const before = globalThis.AI_SDK_LOG_WARNINGS;
    const dir = await tempDir();
    cleanups.push(() => dir.remove());
    const core = createCore({
      dataDir: dir.path,
      mode: 'serve',
      keychainService: testKeychainService(),
      logger: recordingLogger().logger,
    });
    await core.start();
    expect(typeof globalThis.AI_SDK_LOG_WARNINGS).toBe('function');
    await core.stop();
    expect(globalThis.AI_SDK_LOG_WARNINGS).toBe(before);
  });
});
