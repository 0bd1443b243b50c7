import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../../fixtures/fake-openai.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { Keychain } from '../../../src-main/core/identity/keychain.js';
import { DEFAULT_DESKTOP_SETTINGS, type Message } from '../../../src-main/core/protocol/entities.js';

let fake: FakeOpenAI;
let t: TestCore;

beforeEach(async () => {
  fake = new FakeOpenAI();
  await fake.start();
  t = await startTestCore({ flushIntervalMs: 20 });
});

afterEach(async () => {
  await t.close();
  await fake.stop();
});

function finalOf(messageId: string): Promise<Message> {
  return t
    .waitFor(
      (f) => f.event === 'message.updated' && (f.payload as { message: Message }).message.id === messageId,
    )
    .then((f) => (f.payload as { message: Message }).message);
}

describe('providers', () => {
  it('creates providers with readable ids, and the first with a model becomes the default', async () => {
    expect(await t.call('settings.get')).toEqual({
      providers: [],
      defaultModel: null,
      onboardingDone: false,
      desktop: DEFAULT_DESKTOP_SETTINGS,
    });
    const openai = await t.call('providers.save', {
      kind: 'openai',
      apiKey: 'sk-a',
      defaultModel: 'gpt-4o-mini',
    });
    expect(openai).toMatchObject({
      id: 'openai',
      name: 'OpenAI',
      baseUrl: 'https://api.openai.com/v1',
      hasApiKey: true,
      local: false,
    });
    const second = await t.call('providers.save', { kind: 'openai', name: 'Work OpenAI', apiKey: 'sk-b' });
    expect(second.id).toBe('openai-2');
    const local = await t.call('providers.save', {
      kind: 'openai-compatible',
      name: 'LM Studio',
      baseUrl: 'http://127.0.0.1:1234/v1',
    });
    expect(local).toMatchObject({ id: 'lm-studio', local: true, hasApiKey: false });
    const settings = await t.call('settings.get');
    expect(settings.defaultModel).toEqual({ providerId: 'openai', model: 'gpt-4o-mini' });
    expect(settings.providers.map((p) => p.id)).toEqual(['openai', 'openai-2', 'lm-studio']);
    expect(t.events.filter((e) => e.event === 'settings.updated')).toHaveLength(3);
  });

  it('refuses what cannot work, and changes nothing then', async () => {
    await expect(
      t.call('providers.save', { kind: 'openai-compatible', name: 'No URL' }),
    ).rejects.toMatchObject({
      code: 'BAD_PARAMS',
    });
    await t.call('providers.save', {
      kind: 'anthropic',
      apiKey: 'sk-ant',
      defaultModel: 'claude-sonnet-4-0',
    });
    await expect(t.call('providers.save', { id: 'anthropic', kind: 'openai' })).rejects.toMatchObject({
      code: 'BAD_PARAMS',
    });
    await expect(t.call('providers.save', { id: 'nope', kind: 'openai' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      t.call('settings.setDefaultModel', { modelRef: { providerId: 'ghost', model: 'x' } }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await t.call('settings.get')).providers).toHaveLength(1);
  });

  it('removing a provider deletes its key and moves the default to another provider', async () => {
    await t.call('providers.save', { kind: 'openai', apiKey: 'sk-gone', defaultModel: 'gpt-4o' });
    await t.call('providers.save', {
      kind: 'openai-compatible',
      name: 'Ollama',
      baseUrl: fake.baseUrl,
      defaultModel: 'fake-small',
    });
    await t.call('providers.remove', { id: 'openai' });
    expect(await new Keychain(t.keychainService).get('provider:openai:api-key')).toBeNull();
    const settings = await t.call('settings.get');
    expect(settings.providers.map((p) => p.id)).toEqual(['ollama']);
    expect(settings.defaultModel).toEqual({ providerId: 'ollama', model: 'fake-small' });
  });

  it('lists a saved provider’s models, and tests a draft with only the key typed for it', async () => {
    fake.apiKey = 'sk-right';
    await t.call('providers.save', {
      kind: 'openai-compatible',
      name: 'Fake',
      baseUrl: fake.baseUrl,
      apiKey: 'sk-right',
    });
    expect((await t.call('providers.models', { id: 'fake' })).models.map((m) => m.id)).toEqual([
      'fake-large',
      'fake-small',
    ]);
    // A draft without a key does not borrow the stored one, even for the same URL.
    await expect(
      t.call('providers.models', { kind: 'openai-compatible', baseUrl: fake.baseUrl }),
    ).rejects.toMatchObject({ code: 'PROVIDER_AUTH' });
    const drafted = await t.call('providers.models', {
      kind: 'openai-compatible',
      baseUrl: fake.baseUrl,
      apiKey: 'sk-right',
    });
    expect(drafted.models).toHaveLength(2);
    const listings = fake.requests.filter((r) => r.path === '/v1/models');
    expect(listings.map((r) => r.authorization)).toEqual(['Bearer sk-right', undefined, 'Bearer sk-right']);
    await expect(
      t.call('providers.models', {
        kind: 'openai-compatible',
        baseUrl: `http://127.0.0.1:${fake.port}/wrong`,
        apiKey: 'sk-right',
      }),
    ).rejects.toMatchObject({ code: 'PROVIDER_NOT_FOUND' });
  });

  it('a conversation keeps its own model and can switch mid-way', async () => {
    const other = new FakeOpenAI();
    await other.start();
    try {
      await t.call('providers.save', {
        kind: 'openai-compatible',
        name: 'First',
        baseUrl: fake.baseUrl,
        defaultModel: 'fake-small',
      });
      await t.call('providers.save', {
        kind: 'openai-compatible',
        name: 'Second',
        baseUrl: other.baseUrl,
        defaultModel: 'other-model',
      });
      const conv = await t.call('conversations.create', {});
      fake.script({ tokens: ['from first'] });
      const one = await t.call('chat.send', { conversationId: conv.id, text: 'hi', clientMessageId: '1' });
      expect(await finalOf(one.assistantMessage.id)).toMatchObject({
        providerId: 'first',
        model: 'fake-small',
        content: 'from first',
      });

      const switched = await t.call('conversations.setModel', {
        id: conv.id,
        modelRef: { providerId: 'second', model: 'other-model' },
      });
      expect(switched.modelRef).toEqual({ providerId: 'second', model: 'other-model' });
      other.script({ tokens: ['from second'] });
      const two = await t.call('chat.send', {
        conversationId: conv.id,
        text: 'and you?',
        clientMessageId: '2',
      });
      expect(await finalOf(two.assistantMessage.id)).toMatchObject({
        providerId: 'second',
        model: 'other-model',
        content: 'from second',
      });
      // The second provider saw the whole conversation, including the first provider's reply.
      const seen = other.requests.find((r) => r.path === '/v1/chat/completions')?.body as {
        model: string;
        messages: unknown[];
      };
      expect(seen.model).toBe('other-model');
      expect(seen.messages).toEqual([
        { role: 'system', content: expect.stringContaining('You are Cell 0.') },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'from first' },
        { role: 'user', content: 'and you?' },
      ]);
      // Earlier replies keep saying who wrote them.
      const page = await t.call('messages.page', { conversationId: conv.id, offset: 0, limit: 10 });
      expect(page.messages.map((m) => m.model)).toEqual([null, 'fake-small', null, 'other-model']);

      await t.call('conversations.setModel', { id: conv.id, modelRef: null });
      expect((await t.call('conversations.get', { id: conv.id })).modelRef).toBeNull();
      await expect(
        t.call('conversations.setModel', { id: conv.id, modelRef: { providerId: 'ghost', model: 'x' } }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await other.stop();
    }
  });

  it('a conversation whose provider was removed says so instead of silently switching', async () => {
    await t.call('providers.save', {
      kind: 'openai-compatible',
      name: 'A',
      baseUrl: fake.baseUrl,
      defaultModel: 'fake-small',
    });
    await t.call('providers.save', {
      kind: 'openai-compatible',
      name: 'B',
      baseUrl: fake.baseUrl,
      defaultModel: 'fake-large',
    });
    const conv = await t.call('conversations.create', {});
    await t.call('conversations.setModel', {
      id: conv.id,
      modelRef: { providerId: 'b', model: 'fake-large' },
    });
    await t.call('providers.remove', { id: 'b' });
    await expect(
      t.call('chat.send', { conversationId: conv.id, text: 'hi', clientMessageId: '1' }),
    ).rejects.toMatchObject({
      code: 'PROVIDER_NOT_CONFIGURED',
    });
    expect((await t.call('messages.page', { conversationId: conv.id, offset: 0, limit: 5 })).total).toBe(0);
  });

  it('a cloud provider without a key is refused before anything is stored', async () => {
    await t.call('providers.save', { kind: 'openai', baseUrl: fake.baseUrl, defaultModel: 'gpt-4o-mini' });
    const conv = await t.call('conversations.create', {});
    await expect(
      t.call('chat.send', { conversationId: conv.id, text: 'hi', clientMessageId: '1' }),
    ).rejects.toMatchObject({
      code: 'PROVIDER_AUTH',
    });
    expect((await t.call('messages.page', { conversationId: conv.id, offset: 0, limit: 5 })).total).toBe(0);
  });

  it('desktop settings change one field at a time and persist', async () => {
    const after = await t.call('settings.setDesktop', { theme: 'dark', closeToTray: false });
    expect(after.desktop).toEqual({ ...DEFAULT_DESKTOP_SETTINGS, theme: 'dark', closeToTray: false });
    await t.restart();
    expect((await t.call('settings.get')).desktop.theme).toBe('dark');
    await expect(t.call('settings.setDesktop', { theme: 'purple' as 'dark' })).rejects.toMatchObject({
      code: 'BAD_PARAMS',
    });
  });

  it('onboarding can be finished and asked for again', async () => {
    expect((await t.call('settings.setOnboardingDone', { done: true })).onboardingDone).toBe(true);
    await t.restart();
    expect((await t.call('settings.get')).onboardingDone).toBe(true);
    expect((await t.call('settings.setOnboardingDone', { done: false })).onboardingDone).toBe(false);
  });
});
