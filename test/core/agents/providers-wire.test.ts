import { tool } from 'ai';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAnthropic } from '../../fixtures/fake-anthropic.js';
import { FakeOllama } from '../../fixtures/fake-ollama.js';
import { FakeOpenAI } from '../../fixtures/fake-openai.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import type { Message } from '../../../src-main/core/protocol/entities.js';
import type { EventPayload } from '../../../src-main/core/protocol/events.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started<T extends { start(): Promise<unknown>; stop(): Promise<void> }>(
  server: T,
): Promise<T> {
  await server.start();
  cleanups.push(() => server.stop());
  return server;
}

async function core(options: Parameters<typeof startTestCore>[0] = {}): Promise<TestCore> {
  const t = await startTestCore({ flushIntervalMs: 20, retryBaseMs: 10, ...options });
  cleanups.push(() => t.close());
  return t;
}

/** Sends one message in a new conversation and waits for the reply's final state. */
async function ask(t: TestCore, text = 'Hello there'): Promise<Message> {
  const conversation = await t.call('conversations.create', {});
  const sent = await t.call('chat.send', {
    conversationId: conversation.id,
    text,
    clientMessageId: `m-${Math.random()}`,
  });
  const frame = await t.waitFor(
    (f) =>
      f.event === 'message.updated' &&
      (f.payload as { message: Message }).message.id === sent.assistantMessage.id,
  );
  return (frame.payload as { message: Message }).message;
}

function payloads<E extends 'message.retrying' | 'message.toolCall'>(
  t: TestCore,
  event: E,
): EventPayload<E>[] {
  return t.events.filter((f) => f.event === event).map((f) => f.payload as EventPayload<E>);
}

describe('OpenAI (Chat Completions SSE)', () => {
  it('streams, sends the key as a bearer token, lists models, and stores usage with its cost', async () => {
    const fake = await started(
      new FakeOpenAI({ apiKey: 'sk-openai-test', models: ['gpt-4o', 'gpt-4o-mini'] }),
    );
    const t = await core();
    const models = await t.call('providers.models', {
      kind: 'openai',
      baseUrl: fake.baseUrl,
      apiKey: 'sk-openai-test',
    });
    expect(models.models).toEqual([
      { id: 'gpt-4o', pricing: { inputPerMTok: 2.5, outputPerMTok: 10 } },
      { id: 'gpt-4o-mini', pricing: { inputPerMTok: 0.15, outputPerMTok: 0.6 } },
    ]);
    await t.call('providers.save', {
      kind: 'openai',
      baseUrl: fake.baseUrl,
      apiKey: 'sk-openai-test',
      defaultModel: 'gpt-4o-mini',
    });
    fake.script({ tokens: ['Hi', ' from', ' OpenAI'], usage: { input: 1000, output: 200 } });
    const reply = await ask(t);
    expect(reply).toMatchObject({
      status: 'complete',
      content: 'Hi from OpenAI',
      providerId: 'openai',
      model: 'gpt-4o-mini',
    });
    expect(reply.usage).toEqual({
      inputTokens: 1000,
      outputTokens: 200,
      costUsd: (1000 * 0.15 + 200 * 0.6) / 1e6,
    });
    const chat = fake.requests.find((r) => r.path === '/v1/chat/completions')!;
    expect(chat.authorization).toBe('Bearer sk-openai-test');
    expect(chat.body).toMatchObject({ model: 'gpt-4o-mini', stream: true });
  });

  it('names the errors people meet: refused key, unknown model, context too long, server down', async () => {
    const fake = await started(
      new FakeOpenAI({ apiKey: 'sk-right', knownModels: ['gpt-4o-mini'], contextLimitChars: 40 }),
    );
    const t = await core();
    await t.call('providers.save', {
      kind: 'openai',
      baseUrl: fake.baseUrl,
      apiKey: 'sk-wrong-key-777',
      defaultModel: 'gpt-4o-mini',
    });
    const refused = await ask(t);
    expect(refused.error?.code).toBe('PROVIDER_AUTH');
    expect(refused.error?.message).not.toContain('sk-wrong-key-777');

    await t.call('providers.save', {
      id: 'openai',
      kind: 'openai',
      apiKey: 'sk-right',
      defaultModel: 'gpt-9-imaginary',
    });
    await t.call('settings.setDefaultModel', {
      modelRef: { providerId: 'openai', model: 'gpt-9-imaginary' },
    });
    expect((await ask(t)).error?.code).toBe('PROVIDER_MODEL_NOT_FOUND');

    await t.call('settings.setDefaultModel', { modelRef: { providerId: 'openai', model: 'gpt-4o-mini' } });
    const long = await ask(t, 'This message is much longer than the tiny context window of this model.');
    expect(long.error?.code).toBe('PROVIDER_CONTEXT_TOO_LONG');
    expect(long.error?.message).toMatch(/longer than the model's context window/);

    await fake.stop();
    expect((await ask(t)).error?.code).toBe('PROVIDER_UNREACHABLE');
  });

  it('waits out a rate limit, showing each wait, then answers', async () => {
    const fake = await started(new FakeOpenAI());
    const t = await core();
    await t.call('providers.save', {
      kind: 'openai',
      baseUrl: fake.baseUrl,
      apiKey: 'sk-x',
      defaultModel: 'gpt-4o-mini',
    });
    fake.script({ status: 429 }, { status: 429, retryAfterSeconds: 1 }, { tokens: ['Finally'] });
    const reply = await ask(t);
    expect(reply).toMatchObject({ status: 'complete', content: 'Finally' });
    const retries = payloads(t, 'message.retrying');
    expect(retries.map((r) => [r.attempt, r.maxAttempts, r.error.code])).toEqual([
      [2, 4, 'PROVIDER_RATE_LIMITED'],
      [3, 4, 'PROVIDER_RATE_LIMITED'],
    ]);
    // The first wait is our backoff; the second is what the provider asked for (Retry-After: 1).
    expect(retries[0]!.waitMs).toBeLessThan(100);
    expect(retries[1]!.waitMs).toBe(1000);
  });

  it('gives up after the last attempt with the rate-limit message', async () => {
    const fake = await started(new FakeOpenAI());
    const t = await core();
    await t.call('providers.save', {
      kind: 'openai',
      baseUrl: fake.baseUrl,
      apiKey: 'sk-x',
      defaultModel: 'gpt-4o-mini',
    });
    fake.script({ status: 429 }, { status: 429 }, { status: 429 }, { status: 429 }, { tokens: ['never'] });
    const reply = await ask(t);
    expect(reply.error?.code).toBe('PROVIDER_RATE_LIMITED');
    expect(payloads(t, 'message.retrying')).toHaveLength(3);
  });

  it('Stop during a rate-limit wait stops the reply', async () => {
    const fake = await started(new FakeOpenAI());
    const t = await core({ retryBaseMs: 60_000 });
    await t.call('providers.save', {
      kind: 'openai',
      baseUrl: fake.baseUrl,
      apiKey: 'sk-x',
      defaultModel: 'gpt-4o-mini',
    });
    fake.script({ status: 429 });
    const conversation = await t.call('conversations.create', {});
    const sent = await t.call('chat.send', {
      conversationId: conversation.id,
      text: 'hi',
      clientMessageId: 'w',
    });
    await t.waitFor((f) => f.event === 'message.retrying');
    expect(await t.call('chat.stop', { conversationId: conversation.id })).toEqual({ stopped: true });
    const page = await t.call('messages.page', { conversationId: conversation.id, offset: 1, limit: 1 });
    expect(page.messages[0]).toMatchObject({ id: sent.assistantMessage.id, status: 'stopped' });
  });

  it('surfaces the model’s tool calls as events for the kernel', async () => {
    const fake = await started(new FakeOpenAI());
    const tools = {
      get_weather: tool({ description: 'Weather for a city', inputSchema: z.object({ city: z.string() }) }),
    };
    const t = await core({ tools });
    await t.call('providers.save', {
      kind: 'openai',
      baseUrl: fake.baseUrl,
      apiKey: 'sk-x',
      defaultModel: 'gpt-4o-mini',
    });
    fake.script({
      tokens: ['Let me check.'],
      toolCalls: [{ id: 'call_1', name: 'get_weather', input: { city: 'Lisbon' } }],
    });
    const reply = await ask(t, 'Weather in Lisbon?');
    expect(reply).toMatchObject({ status: 'complete', content: 'Let me check.' });
    expect(payloads(t, 'message.toolCall')).toEqual([
      {
        conversationId: reply.conversationId,
        messageId: reply.id,
        // The provider's id, scoped to this reply: providers repeat their ids across replies.
        toolCallId: expect.stringMatching(new RegExp(`^${reply.id}:.*:call_1$`)),
        toolName: 'get_weather',
        input: { city: 'Lisbon' },
      },
    ]);
    const sentTools = (
      fake.requests.find((r) => r.path === '/v1/chat/completions')!.body as {
        tools: { function: { name: string } }[];
      }
    ).tools;
    expect(sentTools.map((x) => x.function.name)).toEqual(['get_weather']);
  });
});

describe('Anthropic (Messages SSE events)', () => {
  it('streams with x-api-key and anthropic-version, lists models, and stores usage with its cost', async () => {
    const fake = await started(new FakeAnthropic({ apiKey: 'sk-ant-test' }));
    const t = await core();
    const listed = await t.call('providers.models', {
      kind: 'anthropic',
      baseUrl: fake.baseUrl,
      apiKey: 'sk-ant-test',
    });
    expect(listed.models.map((m) => m.id)).toEqual([
      'claude-haiku-4-5-20251001',
      'claude-sonnet-4-5-20250929',
    ]);
    expect(listed.models[1]!.pricing).toEqual({ inputPerMTok: 3, outputPerMTok: 15 });
    await t.call('providers.save', {
      kind: 'anthropic',
      baseUrl: fake.baseUrl,
      apiKey: 'sk-ant-test',
      defaultModel: 'claude-sonnet-4-5-20250929',
    });
    fake.script({ tokens: ['Bonjour', ' from', ' Claude'], usage: { input: 2000, output: 100 } });
    const reply = await ask(t);
    expect(reply).toMatchObject({
      status: 'complete',
      content: 'Bonjour from Claude',
      providerId: 'anthropic',
    });
    expect(reply.usage).toEqual({
      inputTokens: 2000,
      outputTokens: 100,
      costUsd: (2000 * 3 + 100 * 15) / 1e6,
    });
    const call = fake.requests.find((r) => r.path === '/v1/messages')!;
    expect(call.xApiKey).toBe('sk-ant-test');
    expect(call.anthropicVersion).toBe('2023-06-01');
  });

  it('retries an overload, and names a refused key, an unknown model and a too-long prompt', async () => {
    const fake = await started(
      new FakeAnthropic({
        apiKey: 'sk-ant-right',
        knownModels: ['claude-sonnet-4-5-20250929'],
        contextLimitChars: 2000,
      }),
    );
    const t = await core();
    await t.call('providers.save', {
      kind: 'anthropic',
      baseUrl: fake.baseUrl,
      apiKey: 'sk-ant-right',
      defaultModel: 'claude-sonnet-4-5-20250929',
    });
    fake.script({ status: 529 }, { tokens: ['Back'] });
    expect(await ask(t)).toMatchObject({ status: 'complete', content: 'Back' });
    expect(payloads(t, 'message.retrying')[0]?.error.code).toBe('PROVIDER_SERVER_ERROR');

    const long = await ask(
      t,
      'A prompt that is far too long for the small context window configured here. '.repeat(30),
    );
    expect(long.error?.code).toBe('PROVIDER_CONTEXT_TOO_LONG');

    await t.call('settings.setDefaultModel', {
      modelRef: { providerId: 'anthropic', model: 'claude-imaginary' },
    });
    expect((await ask(t)).error?.code).toBe('PROVIDER_MODEL_NOT_FOUND');

    await t.call('providers.save', { id: 'anthropic', kind: 'anthropic', apiKey: 'sk-ant-wrong' });
    expect((await ask(t)).error?.code).toBe('PROVIDER_AUTH');
  });

  it('an error event in the middle of a reply keeps the text and says what happened', async () => {
    const fake = await started(new FakeAnthropic());
    const t = await core();
    await t.call('providers.save', {
      kind: 'anthropic',
      baseUrl: fake.baseUrl,
      apiKey: 'k',
      defaultModel: 'claude-sonnet-4-5-20250929',
    });
    fake.script({
      tokens: ['Half', ' way'],
      midStreamError: { type: 'overloaded_error', message: 'Overloaded' },
    });
    const reply = await ask(t);
    expect(reply).toMatchObject({ status: 'error', content: 'Half way' });
    expect(reply.error?.code).toBe('PROVIDER_SERVER_ERROR');
    // A half-written reply is not restarted behind the owner's back.
    expect(payloads(t, 'message.retrying')).toEqual([]);
  });
});

describe('local servers (Ollama, LM Studio)', () => {
  it('finds Ollama and LM Studio running on this machine, and not what is not there', async () => {
    const ollama = await started(new FakeOllama({ models: ['llama3.2:latest', 'qwen2.5:7b'] }));
    const lmstudio = await started(new FakeOllama({ flavour: 'lmstudio', models: ['qwen2.5-7b-instruct'] }));
    const t = await core({ localServers: { ollama: ollama.origin, lmstudio: lmstudio.baseUrl } });
    expect((await t.call('providers.detectLocal')).servers).toEqual([
      {
        preset: 'ollama',
        name: 'Ollama',
        baseUrl: `${ollama.origin}/v1`,
        models: ['llama3.2:latest', 'qwen2.5:7b'],
      },
      { preset: 'lmstudio', name: 'LM Studio', baseUrl: lmstudio.baseUrl, models: ['qwen2.5-7b-instruct'] },
    ]);
    // LM Studio answers 200 to unknown paths: it is not mistaken for Ollama.
    const swapped = await core({
      localServers: { ollama: lmstudio.origin, lmstudio: `${ollama.origin}/nothing` },
    });
    expect((await swapped.call('providers.detectLocal')).servers).toEqual([]);
  });

  it('chats with Ollama through its OpenAI-compatible API, for free', async () => {
    const ollama = await started(new FakeOllama({ models: ['llama3.2:latest'] }));
    const t = await core();
    await t.call('providers.save', {
      kind: 'openai-compatible',
      name: 'Ollama',
      baseUrl: `${ollama.origin}/v1`,
      defaultModel: 'llama3.2',
    });
    ollama.script({ tokens: ['Local', ' reply'], usage: { input: 12, output: 2 } });
    const reply = await ask(t);
    expect(reply).toMatchObject({ status: 'complete', content: 'Local reply', providerId: 'ollama' });
    expect(reply.usage).toEqual({ inputTokens: 12, outputTokens: 2, costUsd: 0 });
    expect((await t.call('settings.get')).providers[0]).toMatchObject({ local: true, hasApiKey: false });

    await t.call('settings.setDefaultModel', { modelRef: { providerId: 'ollama', model: 'mistral' } });
    const missing = await ask(t);
    expect(missing.error?.code).toBe('PROVIDER_MODEL_NOT_FOUND');
  });
});
