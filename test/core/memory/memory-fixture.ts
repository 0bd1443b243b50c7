import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatService } from '../../../src-main/core/agents/chat-service.js';
import { ProviderRegistry } from '../../../src-main/core/agents/provider-registry.js';
import { ConversationStore } from '../../../src-main/core/conversations/store.js';
import { EventBus } from '../../../src-main/core/base/event-bus.js';
import { IdentityService, keychainAccountFor } from '../../../src-main/core/identity/identity-service.js';
import { Keychain } from '../../../src-main/core/identity/keychain.js';
import { AuditLog } from '../../../src-main/core/kernel/audit/audit-log.js';
import { Kernel } from '../../../src-main/core/kernel/kernel.js';
import { PermissionEngine } from '../../../src-main/core/kernel/permissions/permission-engine.js';
import { Sandbox } from '../../../src-main/core/kernel/sandbox/sandbox.js';
import { silentLogger, type Logger } from '../../../src-main/core/base/logger.js';
import { memoryModels } from '../../../src-main/core/agents/memory-models.js';
import { MemoryService, type MemoryServiceTiming } from '../../../src-main/core/memory/memory-service.js';
import { HybridRetrieval } from '../../../src-main/core/memory/retrieval/hybrid-retrieval.js';
import type { Message } from '../../../src-main/core/protocol/entities.js';
import type { EventFrame } from '../../../src-main/core/protocol/frames.js';
import { SettingsStore } from '../../../src-main/core/settings/settings-store.js';
import { StorageService } from '../../../src-main/core/storage/storage-service.js';

/**
 * The memory service on the real pieces it runs on (SQLite, settings, keychain-backed identity and
 * audit log, HybridRetrieval), with a clock the test moves, and direct access to the service, which
 * the protocol-level test core does not expose (runOnce, the store).
 */
export interface MemoryFixture {
  dataDir: string;
  keychainService: string;
  storage: StorageService;
  bus: EventBus;
  events: EventFrame[];
  settings: SettingsStore;
  providers: ProviderRegistry;
  conversations: ConversationStore;
  memory: MemoryService;
  /** Answers the cards memory_save puts in front of the owner. */
  permissions: PermissionEngine;
  retrieval: HybridRetrieval;
  chat: ChatService;
  clock: { now: number };
  /** Stops the services; the data directory stays. */
  close(): Promise<void>;
  /** Closes, then removes the data directory and this run's keychain entries. */
  remove(): Promise<void>;
}

export interface FixtureOptions {
  dataDir?: string;
  keychainService?: string;
  timing?: MemoryServiceTiming;
  contextTokens?: number;
  start?: number;
  /** Where the memory service logs (silent unless a test checks what was logged). */
  logger?: Logger;
}

export async function openMemoryFixture(options: FixtureOptions = {}): Promise<MemoryFixture> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'cell0-memory-')));
  const keychainService = options.keychainService ?? `Cell 0 test ${randomUUID()}`;
  const clock = { now: options.start ?? Date.UTC(2024, 4, 8, 12) };
  const now = () => clock.now;
  const keychain = new Keychain(keychainService);
  const storage = new StorageService(dataDir);
  await storage.start();
  const settings = new SettingsStore(dataDir);
  await settings.start();
  const bus = new EventBus();
  const events: EventFrame[] = [];
  bus.subscribe((frame) => events.push(frame));
  const identity = new IdentityService({ keychain, db: storage.db, bus, logger: silentLogger });
  await identity.start();
  const audit = new AuditLog({ db: storage.db, identity, bus });
  await audit.start();
  const conversations = new ConversationStore(storage.db, now);
  const providers = new ProviderRegistry(settings, keychain);
  const retrieval = new HybridRetrieval({ db: storage.db, logger: silentLogger });
  const permissions = new PermissionEngine({ db: storage.db, identity, bus, audit });
  await permissions.start();
  // Memory's hosted tool needs the kernel's law, not its sandbox: the kernel is not started here.
  const kernel = new Kernel({
    sandbox: new Sandbox({ logger: silentLogger }),
    permissions,
    audit,
    db: storage.db,
    bus,
    dataDir,
    logger: silentLogger,
  });
  const memory = new MemoryService({
    db: storage.db,
    bus,
    retrieval,
    models: memoryModels(providers),
    conversations,
    settings,
    audit,
    kernel,
    logger: options.logger ?? silentLogger,
    now,
    autoStart: false,
    idleMs: 0,
    ...options.timing,
    ...(options.contextTokens ? { contextTokens: options.contextTokens } : {}),
  });
  await memory.start();
  const chat = new ChatService(conversations, providers, bus, { memory, flushIntervalMs: 20 });
  let closed = false;
  let accounts: string[] = [];
  const close = async () => {
    if (closed) return;
    closed = true;
    const keys = await storage.db.all<{ public_key: string }>('SELECT public_key FROM identity_keys');
    accounts = keys.map((r) => keychainAccountFor(r.public_key));
    await chat.stop();
    await memory.stop();
    await kernel.stop();
    await permissions.stop();
    await audit.stop();
    await identity.stop();
    await settings.stop();
    await storage.stop();
  };
  return {
    dataDir,
    keychainService,
    storage,
    bus,
    events,
    settings,
    providers,
    conversations,
    memory,
    permissions,
    retrieval,
    chat,
    clock,
    close,
    async remove() {
      await close();
      for (const account of accounts) await keychain.delete(account);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Points the default model at a fake OpenAI-compatible server (no key: it is on loopback). */
export async function useModel(f: MemoryFixture, baseUrl: string): Promise<void> {
  const existing = f.settings.read().providers[0];
  await f.providers.save({
    ...(existing ? { id: existing.id } : {}),
    kind: 'openai-compatible',
    name: 'Fake',
    baseUrl,
    defaultModel: 'fake-small',
    makeDefault: true,
  });
}

/** Stores a finished exchange at the fixture's clock, then moves the clock on a minute. */
export async function addExchange(
  f: MemoryFixture,
  conversationId: string,
  user: string,
  assistant: string,
): Promise<{ userMessage: Message; assistantMessage: Message }> {
  const exchange = await f.conversations.appendExchange(conversationId, user, randomUUID(), {
    providerId: 'fake',
    model: 'fake-small',
  });
  await f.conversations.updateReply(exchange.assistantMessage.id, assistant, 'complete');
  f.clock.now += 60_000;
  return {
    userMessage: exchange.userMessage,
    assistantMessage: await f.conversations.message(exchange.assistantMessage.id),
  };
}

/** Scripts the fake to answer one extraction request with these operations. */
export function operationsReply(operations: object[]): {
  tokens: string[];
  usage: { input: number; output: number };
} {
  return { tokens: [JSON.stringify({ operations })], usage: { input: 400, output: 100 } };
}

export function eventsNamed<T>(f: MemoryFixture, name: string): T[] {
  return f.events.filter((e) => e.event === name).map((e) => e.payload as T);
}

/** Resolves with the first event (seen already or still to come) that matches. */
export function waitForEvent(
  f: MemoryFixture,
  predicate: (frame: EventFrame) => boolean,
): Promise<EventFrame> {
  const seen = f.events.find(predicate);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => {
    const off = f.bus.subscribe((frame) => {
      if (predicate(frame)) {
        off();
        resolve(frame);
      }
    });
  });
}

/** Sends a message through the chat service and waits for the reply's final state. */
export async function sendAndWait(f: MemoryFixture, conversationId: string, text: string): Promise<Message> {
  const sent = await f.chat.send(conversationId, text, randomUUID());
  const final = await waitForEvent(
    f,
    (e) =>
      e.event === 'message.updated' &&
      (e.payload as { message: Message }).message.id === sent.assistantMessage.id &&
      (e.payload as { message: Message }).message.status !== 'streaming',
  );
  return (final.payload as { message: Message }).message;
}
