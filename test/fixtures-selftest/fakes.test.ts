import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import {
  APICallError,
  embedMany,
  generateText,
  streamText,
  tool,
  type LanguageModel,
  type TextStreamPart,
  type ToolSet,
} from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FakeAnthropic } from '../fixtures/fake-anthropic.js';
import { FakeOllama } from '../fixtures/fake-ollama.js';
import { FakeOpenAI } from '../fixtures/fake-openai.js';

/** Checks that the fakes speak the wire formats the real AI SDK providers parse. */

const tools = {
  get_weather: tool({
    description: 'Current weather for a city',
    inputSchema: z.object({ city: z.string() }),
  }),
};

const PROMPT = 'What is the weather in Paris today?'; // 7 words

async function run(model: LanguageModel, options: { prompt?: string; withTools?: boolean } = {}) {
  const result = streamText({
    model,
    prompt: options.prompt ?? PROMPT,
    maxRetries: 0,
    onError: () => {}, // the default logs every error to stderr
    ...(options.withTools && { tools }),
  });
  const parts: TextStreamPart<ToolSet>[] = [];
  // A cut connection makes the stream itself throw (rather than yield an 'error' part).
  let thrown: unknown;
  try {
    for await (const part of result.fullStream) parts.push(part);
  } catch (error) {
    thrown = error;
  }
  const text = parts.flatMap((p) => (p.type === 'text-delta' ? [p.text] : [])).join('');
  const errors = parts.flatMap((p) => (p.type === 'error' ? [p.error] : []));
  const toolCalls = parts.flatMap((p) =>
    p.type === 'tool-call' ? [{ id: p.toolCallId, name: p.toolName, input: p.input }] : [],
  );
  const finish = parts.find((p) => p.type === 'finish');
  return { parts, text, errors, toolCalls, finish, thrown };
}

/** The one error a failed stream reports, which must be an APICallError. */
async function apiError(model: LanguageModel, prompt?: string): Promise<APICallError> {
  const { errors, thrown } = await run(model, { prompt });
  expect(thrown).toBeUndefined();
  expect(errors).toHaveLength(1);
  const [error] = errors;
  if (!APICallError.isInstance(error)) throw new Error(`not an APICallError: ${String(error)}`);
  return error;
}

const usageOf = (finish: Awaited<ReturnType<typeof run>>['finish']) =>
  finish?.type === 'finish'
    ? { input: finish.totalUsage.inputTokens, output: finish.totalUsage.outputTokens }
    : undefined;

describe('FakeOpenAI with @ai-sdk/openai', () => {
  let fake: FakeOpenAI;
  const model = (id = 'fake-small', apiKey = 'sk-test') =>
    createOpenAI({ baseURL: fake.baseUrl, apiKey }).chat(id);

  beforeEach(async () => {
    fake = new FakeOpenAI();
    await fake.start();
  });
  afterEach(() => fake.stop());

  it('streams text, then the usage chunk', async () => {
    fake.script({ tokens: ['Sunny', ' and', ' warm.'] });
    const { text, errors, finish } = await run(model());
    expect(errors).toEqual([]);
    expect(text).toBe('Sunny and warm.');
    expect(usageOf(finish)).toEqual({ input: 7, output: 3 });
    expect(finish?.type === 'finish' && finish.finishReason).toBe('stop');
    const request = fake.requests.at(-1);
    expect(request?.authorization).toBe('Bearer sk-test');
    expect(request?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('reports scripted usage', async () => {
    fake.script({ tokens: ['ok'], usage: { input: 120, output: 30 } });
    expect(usageOf((await run(model())).finish)).toEqual({ input: 120, output: 30 });
  });

  it('streams tool calls as tool-call parts', async () => {
    fake.script({
      tokens: ['Let me check.'],
      toolCalls: [
        { name: 'get_weather', input: { city: 'Paris' } },
        { id: 'call_two', name: 'get_weather', input: { city: 'Lisbon' } },
      ],
    });
    const { text, toolCalls, finish, errors } = await run(model(), { withTools: true });
    expect(errors).toEqual([]);
    expect(text).toBe('Let me check.');
    expect(toolCalls).toEqual([
      { id: expect.stringMatching(/^call_/), name: 'get_weather', input: { city: 'Paris' } },
      { id: 'call_two', name: 'get_weather', input: { city: 'Lisbon' } },
    ]);
    expect(finish?.type === 'finish' && finish.finishReason).toBe('tool-calls');
    expect((fake.requests.at(-1)?.body as { tools: unknown[] }).tools).toHaveLength(1);
  });

  it('streams a tool call with no text', async () => {
    fake.script({ toolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }] });
    const { text, toolCalls } = await run(model(), { withTools: true });
    expect(text).toBe('');
    expect(toolCalls).toMatchObject([{ name: 'get_weather', input: { city: 'Oslo' } }]);
  });

  it('answers non-streaming requests too', async () => {
    fake.script({ tokens: ['Plain', ' answer'] });
    const result = await generateText({ model: model(), prompt: PROMPT, maxRetries: 0 });
    expect(result.text).toBe('Plain answer');
    expect(result.usage.outputTokens).toBe(2);
  });

  it('401 for a wrong key, with the key masked', async () => {
    fake.apiKey = 'sk-right';
    const error = await apiError(model('fake-small', 'sk-wrong-key-999'));
    expect(error.statusCode).toBe(401);
    expect(error.message).toMatch(/^Incorrect API key provided/);
    expect(error.message).not.toContain('sk-wrong-key-999');
    expect(error.data).toMatchObject({ error: { code: 'invalid_api_key' } });
  });

  it('404 model_not_found for a model outside knownModels', async () => {
    fake.knownModels = ['gpt-4o'];
    const error = await apiError(model('gpt-nope'));
    expect(error.statusCode).toBe(404);
    expect(error.message).toBe('The model `gpt-nope` does not exist or you do not have access to it.');
    expect(error.data).toMatchObject({ error: { code: 'model_not_found' } });
  });

  it('429 rate_limit_exceeded with retry-after', async () => {
    fake.script({ status: 429, retryAfterSeconds: 7, errorType: 'tokens' });
    const error = await apiError(model());
    expect(error.statusCode).toBe(429);
    expect(error.isRetryable).toBe(true);
    expect(error.responseHeaders?.['retry-after']).toBe('7');
    expect(error.data).toMatchObject({ error: { type: 'tokens', code: 'rate_limit_exceeded' } });
  });

  it('400 context_length_exceeded past contextLimitChars', async () => {
    fake.contextLimitChars = 20;
    const error = await apiError(model());
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/maximum context length is \d+ tokens/);
    expect(error.data).toMatchObject({ error: { code: 'context_length_exceeded' } });
  });

  it.each([500, 503])('%i server errors', async (status) => {
    fake.script({ status });
    const error = await apiError(model());
    expect(error.statusCode).toBe(status);
    expect(error.isRetryable).toBe(true);
    expect(error.data).toMatchObject({ error: { type: 'server_error' } });
  });

  it('a dropped stream keeps the text so far, then errors', async () => {
    fake.script({ tokens: ['Part', 'ial', ' answer', ' never'], dropAfter: 2 });
    const { text, errors, thrown } = await run(model());
    expect(text).toBe('Partial');
    expect(errors).toEqual([]);
    expect(APICallError.isInstance(thrown) && thrown.message).toBe('Failed to process successful response');
  });

  it('a mid-stream error chunk after text is a stream error', async () => {
    fake.script({ tokens: ['Half'], midStreamError: { type: 'server_error', message: 'boom' } });
    const { text, errors, finish } = await run(model());
    expect(text).toBe('Half');
    expect(errors).toEqual([{ message: 'boom', type: 'server_error', param: null, code: null }]);
    expect(finish?.type === 'finish' && finish.finishReason).toBe('error');
  });

  it('lists models', async () => {
    const list = (await (await fetch(`${fake.baseUrl}/models`)).json()) as { data: { id: string }[] };
    expect(list.data.map((m) => m.id)).toEqual(['fake-small', 'fake-large']);
  });
});

describe('FakeAnthropic with @ai-sdk/anthropic', () => {
  let fake: FakeAnthropic;
  const model = (id = 'claude-sonnet-4-5-20250929', apiKey = 'sk-ant-test') =>
    createAnthropic({ baseURL: fake.baseUrl, apiKey })(id);

  beforeEach(async () => {
    fake = new FakeAnthropic({ apiKey: 'sk-ant-test' });
    await fake.start();
  });
  afterEach(() => fake.stop());

  it('streams text with usage, and sees the headers and body', async () => {
    fake.script({ tokens: ['Sunny', ' and', ' warm.'] });
    const { text, errors, finish } = await run(model());
    expect(errors).toEqual([]);
    expect(text).toBe('Sunny and warm.');
    expect(usageOf(finish)).toEqual({ input: 7, output: 3 });
    expect(finish?.type === 'finish' && finish.finishReason).toBe('stop');
    const request = fake.requests.at(-1);
    expect(request).toMatchObject({
      path: '/v1/messages',
      xApiKey: 'sk-ant-test',
      anthropicVersion: '2023-06-01',
    });
    expect(request?.body).toMatchObject({ model: 'claude-sonnet-4-5-20250929', stream: true });
    expect(typeof (request?.body as { max_tokens: unknown }).max_tokens).toBe('number');
  });

  it('sends the system prompt separately', async () => {
    await run(
      createAnthropic({ baseURL: fake.baseUrl, apiKey: 'sk-ant-test' })('claude-haiku-4-5-20251001'),
      {
        prompt: 'hi',
      },
    );
    const result = streamText({ model: model(), system: 'Be brief.', prompt: 'hi', maxRetries: 0 });
    await result.consumeStream();
    expect(fake.requests.at(-1)?.body).toMatchObject({ system: [{ type: 'text', text: 'Be brief.' }] });
  });

  it('streams tool_use blocks as tool-call parts', async () => {
    fake.script({
      tokens: ['Checking.'],
      toolCalls: [
        { name: 'get_weather', input: { city: 'Paris' } },
        { id: 'toolu_two', name: 'get_weather', input: { city: 'Lisbon' } },
      ],
      usage: { input: 50, output: 12 },
    });
    const { text, toolCalls, finish, errors } = await run(model(), { withTools: true });
    expect(errors).toEqual([]);
    expect(text).toBe('Checking.');
    expect(toolCalls).toEqual([
      { id: expect.stringMatching(/^toolu_/), name: 'get_weather', input: { city: 'Paris' } },
      { id: 'toolu_two', name: 'get_weather', input: { city: 'Lisbon' } },
    ]);
    expect(finish?.type === 'finish' && finish.finishReason).toBe('tool-calls');
    expect(usageOf(finish)).toEqual({ input: 50, output: 12 });
    expect(fake.requests.at(-1)?.body).toMatchObject({ tools: [{ name: 'get_weather' }] });
  });

  it('answers non-streaming requests too', async () => {
    fake.script({
      tokens: ['Plain', ' answer'],
      toolCalls: [{ name: 'get_weather', input: { city: 'Rome' } }],
    });
    const result = await generateText({ model: model(), prompt: PROMPT, tools, maxRetries: 0 });
    expect(result.text).toBe('Plain answer');
    expect(result.toolCalls).toMatchObject([{ toolName: 'get_weather', input: { city: 'Rome' } }]);
  });

  it('401 authentication_error for a wrong key', async () => {
    const error = await apiError(model(undefined, 'sk-ant-wrong'));
    expect(error.statusCode).toBe(401);
    expect(error.message).toBe('invalid x-api-key');
    expect(error.data).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('400 without anthropic-version', async () => {
    const response = await fetch(`${fake.baseUrl}/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'sk-ant-test', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('404 not_found_error for a model outside knownModels', async () => {
    fake.knownModels = ['claude-sonnet-4-5-20250929'];
    const error = await apiError(model('claude-nope'));
    expect(error.statusCode).toBe(404);
    expect(error.message).toBe('model: claude-nope');
  });

  it('429 rate_limit_error with retry-after', async () => {
    fake.script({ status: 429, retryAfterSeconds: 3 });
    const error = await apiError(model());
    expect(error.statusCode).toBe(429);
    expect(error.responseHeaders?.['retry-after']).toBe('3');
    expect(error.data).toMatchObject({ error: { type: 'rate_limit_error' } });
  });

  it.each([
    [529, 'overloaded_error'],
    [500, 'api_error'],
  ])('%i %s', async (status, type) => {
    fake.script({ status });
    const error = await apiError(model());
    expect(error.statusCode).toBe(status);
    expect(error.isRetryable).toBe(true);
    expect(error.data).toMatchObject({ error: { type } });
  });

  it('400 prompt is too long past contextLimitChars', async () => {
    fake.contextLimitChars = 10;
    const error = await apiError(model());
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/^prompt is too long: \d+ tokens > \d+ maximum$/);
  });

  it('an overloaded_error event mid-stream, after text', async () => {
    fake.script({ tokens: ['Half'], midStreamError: { type: 'overloaded_error', message: 'Overloaded' } });
    const { text, errors, finish } = await run(model());
    expect(text).toBe('Half');
    // The SDK passes the raw `error` object through (not an APICallError), then finishes with 'error'.
    expect(errors).toEqual([{ type: 'overloaded_error', message: 'Overloaded' }]);
    expect(finish?.type === 'finish' && finish.finishReason).toBe('error');
  });

  it('an overloaded_error event as the first event becomes a 529 APICallError', async () => {
    fake.script({ midStreamError: { type: 'overloaded_error', message: 'Overloaded' } });
    const error = await apiError(model());
    expect(error.statusCode).toBe(529);
  });

  it('a dropped stream keeps the text so far, then errors', async () => {
    fake.script({ tokens: ['Part', 'ial', ' answer'], dropAfter: 2 });
    const { text, errors, thrown } = await run(model());
    expect(text).toBe('Partial');
    expect(errors).toEqual([]);
    expect(APICallError.isInstance(thrown) && thrown.message).toBe('Failed to process successful response');
  });

  it('lists models', async () => {
    const response = await fetch(`${fake.baseUrl}/models`, {
      headers: { 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' },
    });
    expect(await response.json()).toEqual({
      data: [
        expect.objectContaining({
          type: 'model',
          id: 'claude-sonnet-4-5-20250929',
          display_name: 'Claude Sonnet 4.5',
        }),
        expect.objectContaining({ id: 'claude-haiku-4-5-20251001', display_name: 'Claude Haiku 4.5' }),
      ],
      has_more: false,
      first_id: 'claude-sonnet-4-5-20250929',
      last_id: 'claude-haiku-4-5-20251001',
    });
  });
});

describe('FakeOllama (ollama flavour) with @ai-sdk/openai-compatible', () => {
  let fake: FakeOllama;
  const model = (id = 'llama3.2', includeUsage = true) =>
    createOpenAICompatible({ name: 'ollama', baseURL: fake.baseUrl, includeUsage })(id);

  beforeEach(async () => {
    fake = new FakeOllama();
    await fake.start();
  });
  afterEach(() => fake.stop());

  it('serves the native API', async () => {
    expect(await (await fetch(`${fake.origin}/`)).text()).toBe('Ollama is running');
    expect(await (await fetch(`${fake.origin}/api/version`)).json()).toEqual({ version: '0.6.0' });
    const tags = (await (await fetch(`${fake.origin}/api/tags`)).json()) as { models: unknown[] };
    expect(tags.models).toEqual([
      expect.objectContaining({
        name: 'llama3.2:latest',
        model: 'llama3.2:latest',
        details: expect.objectContaining({ format: 'gguf', family: 'llama', parameter_size: '3.2B' }),
      }),
    ]);
    const models = await (await fetch(`${fake.baseUrl}/models`)).json();
    expect(models).toEqual({
      object: 'list',
      data: [{ id: 'llama3.2:latest', object: 'model', created: expect.any(Number), owned_by: 'library' }],
    });
    expect((await fetch(`${fake.origin}/api/nope`)).status).toBe(404);
  });

  it('streams text with usage when include_usage is asked', async () => {
    fake.script({ tokens: ['Sunny', ' and', ' warm.'] });
    const { text, errors, finish } = await run(model());
    expect(errors).toEqual([]);
    expect(text).toBe('Sunny and warm.');
    expect(usageOf(finish)).toEqual({ input: 7, output: 3 });
    expect(fake.requests.at(-1)?.authorization).toBeUndefined();
  });

  it('sends no usage without include_usage (as Ollama does)', async () => {
    const { finish } = await run(model('llama3.2:latest', false));
    expect(usageOf(finish)).toEqual({ input: undefined, output: undefined });
  });

  it('sends tool calls whole, in one chunk', async () => {
    fake.script({ toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }] });
    const { toolCalls, finish } = await run(model(), { withTools: true });
    expect(toolCalls).toMatchObject([{ name: 'get_weather', input: { city: 'Paris' } }]);
    expect(finish?.type === 'finish' && finish.finishReason).toBe('tool-calls');
  });

  it('404 for a model that is not pulled', async () => {
    const error = await apiError(model('mistral'));
    expect(error.statusCode).toBe(404);
    expect(error.message).toBe('model "mistral" not found, try pulling it first');
  });

  it('scripted 500', async () => {
    fake.script({ status: 500 });
    const error = await apiError(model());
    expect(error.statusCode).toBe(500);
    expect(error.data).toMatchObject({ error: { type: 'api_error' } });
  });
});

describe('FakeOllama (lmstudio flavour) with @ai-sdk/openai-compatible', () => {
  let fake: FakeOllama;
  const model = (id = 'qwen2.5-7b-instruct') =>
    createOpenAICompatible({ name: 'lmstudio', baseURL: fake.baseUrl, includeUsage: true })(id);

  beforeEach(async () => {
    fake = new FakeOllama({ flavour: 'lmstudio' });
    await fake.start();
  });
  afterEach(() => fake.stop());

  it('serves /v1 only; other paths answer 200 with an error string', async () => {
    const models = (await (await fetch(`${fake.baseUrl}/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['qwen2.5-7b-instruct', 'llama-3.2-3b-instruct']);
    const tags = await fetch(`${fake.origin}/api/tags`);
    expect(tags.status).toBe(200);
    expect(await tags.json()).toEqual({ error: 'Unexpected endpoint or method. (GET /api/tags)' });
  });

  it('streams text, usage and tool calls', async () => {
    fake.script({ tokens: ['On', ' it.'], toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }] });
    const { text, toolCalls, finish, errors } = await run(model(), { withTools: true });
    expect(errors).toEqual([]);
    expect(text).toBe('On it.');
    expect(toolCalls).toMatchObject([{ name: 'get_weather', input: { city: 'Paris' } }]);
    expect(usageOf(finish)).toEqual({ input: 7, output: 2 });
  });

  it('400 model_not_found for an unknown model', async () => {
    const error = await apiError(model('gpt-4o'));
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/^Invalid model identifier "gpt-4o"/);
  });
});

describe('mid-stream errors before any output', () => {
  it('OpenAI: an error chunk before output becomes an APICallError', async () => {
    const fake = new FakeOpenAI();
    await fake.start();
    try {
      fake.script({ midStreamError: { type: 'server_error', message: 'The server had an error' } });
      const error = await apiError(createOpenAI({ baseURL: fake.baseUrl, apiKey: 'k' }).chat('fake-small'));
      expect(error.message).toBe('The server had an error');
      expect(error.statusCode).toBe(500); // synthesised by the SDK from the error type
    } finally {
      await fake.stop();
    }
  });
});

describe('FakeOpenAI embeddings with the real AI SDK embedding models', () => {
  it('answers /v1/embeddings in OpenAI’s format: one unit vector per input, similar texts close', async () => {
    const fake = new FakeOpenAI({ apiKey: 'sk-embed', embeddingDims: 32 });
    await fake.start();
    try {
      const openai = createOpenAI({ baseURL: fake.baseUrl, apiKey: 'sk-embed' }).embedding('fake-embed');
      const { embeddings, usage } = await embedMany({
        model: openai,
        values: ['the cat sat on the mat', 'a cat sat on a mat', 'quarterly tax return'],
        maxRetries: 0,
      });
      expect(embeddings.map((e) => e.length)).toEqual([32, 32, 32]);
      const dot = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);
      expect(dot(embeddings[0]!, embeddings[0]!)).toBeCloseTo(1, 5);
      expect(dot(embeddings[0]!, embeddings[1]!)).toBeGreaterThan(dot(embeddings[0]!, embeddings[2]!));
      expect(usage.tokens).toBe(15); // words: 6 + 6 + 3
      const compatible = createOpenAICompatible({ name: 'x', baseURL: fake.baseUrl, apiKey: 'sk-embed' });
      const again = await embedMany({
        model: compatible.embeddingModel('fake-embed'),
        values: ['the cat sat on the mat'],
        maxRetries: 0,
      });
      // Deterministic: the same text gives the same vector through either client.
      expect(again.embeddings[0]).toEqual(embeddings[0]);
      expect(fake.embeddedTexts).toHaveLength(4);
    } finally {
      await fake.stop();
    }
  });

  it('refuses an unknown model with 404 model_not_found and fails on demand', async () => {
    const fake = new FakeOpenAI();
    await fake.start();
    try {
      const model = (id: string) => createOpenAI({ baseURL: fake.baseUrl, apiKey: 'x' }).embedding(id);
      const missing = await embedMany({ model: model('gpt-fake'), values: ['hi'], maxRetries: 0 }).catch(
        (err: unknown) => err,
      );
      expect(APICallError.isInstance(missing) && missing.statusCode).toBe(404);
      expect((missing as APICallError).responseBody).toContain('model_not_found');
      fake.embeddingsFailWith = 503;
      const down = await embedMany({ model: model('fake-embed'), values: ['hi'], maxRetries: 0 }).catch(
        (err: unknown) => err,
      );
      expect(APICallError.isInstance(down) && down.statusCode).toBe(503);
    } finally {
      await fake.stop();
    }
  });
});
