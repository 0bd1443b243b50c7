import type { ModelMessage, ToolSet } from 'ai';
import type { ConversationStore } from '../conversations/store.js';
import type { EventBus } from '../base/event-bus.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Logger } from '../base/logger.js';
import type { Message } from '../protocol/entities.js';
import type {
  DaemonStatus,
  EmbedderChoice,
  EmbeddingStatus,
  Persona,
  UsedMemory,
} from '../protocol/memory-entities.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { Database } from '../storage/database.js';
import { ContextBuilder } from './context.js';
import { exportConversation, type ExportedFile } from './conversation-export.js';
import { EmbedderSwitch, isSwappable } from './embedder-switch.js';
import { MemoryDaemon } from './memory-daemon.js';
import { MemoryStore } from './memory-store.js';
import { memoryTools, type MemoryToolContext } from './memory-tools.js';
import { searchMessages } from './message-search.js';
import type { MemoryModels } from './models.js';
import type { Retrieval } from './types.js';
import type { SearchHit } from '../protocol/memory-entities.js';

/** How the daemon runs; tests turn the timer off and step it by hand. */
export interface MemoryServiceTiming {
  autoStart?: boolean;
  tickMs?: number;
  idleMs?: number;
}

export interface MemoryServiceDeps extends MemoryServiceTiming {
  db: Database;
  bus: EventBus;
  retrieval: Retrieval;
  /** How memory reaches models (the daemon's chat model, embedding models). */
  models: MemoryModels;
  conversations: ConversationStore;
  settings: SettingsStore;
  audit: Pick<AuditLog, 'append' | 'list'>;
  /** The law memory_save runs under (memory sits above the kernel). */
  kernel: Pick<Kernel, 'executeHosted' | 'list'>;
  logger: Logger;
  now?: () => number;
  /** Tokens of context around the new message (persona, memories, snippets, summary, turns). */
  contextTokens?: number;
}

export const DEFAULT_CONTEXT_TOKENS = 6000;
/** The built-in embedder's id, for a retrieval that does not say which it uses. */
const DEFAULT_EMBEDDER = 'hash-384-v1';

/**
 * Cell 0's continuity: the memories (store), the background daemon that keeps them, the context
 * each reply is given, search and export of past conversations, and the agent's memory tools.
 */
export class MemoryService {
  readonly store: MemoryStore;
  private readonly daemon: MemoryDaemon;
  private readonly context: ContextBuilder;
  private readonly now: () => number;
  /** Null for a retrieval whose embedder cannot be swapped (it then keeps its own). */
  private readonly embedders: EmbedderSwitch | null;

  constructor(private readonly deps: MemoryServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.store = new MemoryStore({
      db: deps.db,
      bus: deps.bus,
      retrieval: deps.retrieval,
      audit: deps.audit,
      now: this.now,
    });
    this.daemon = new MemoryDaemon({
      db: deps.db,
      bus: deps.bus,
      retrieval: deps.retrieval,
      models: deps.models,
      conversations: deps.conversations,
      settings: deps.settings,
      logger: deps.logger,
      now: this.now,
      autoStart: deps.autoStart ?? true,
      tickMs: deps.tickMs ?? 30_000,
      idleMs: deps.idleMs ?? 120_000,
    });
    this.embedders = isSwappable(deps.retrieval)
      ? new EmbedderSwitch({
          db: deps.db,
          bus: deps.bus,
          retrieval: deps.retrieval,
          models: deps.models,
          settings: deps.settings,
          logger: deps.logger,
        })
      : null;
    this.context = new ContextBuilder({
      db: deps.db,
      store: this.store,
      retrieval: deps.retrieval,
      conversations: deps.conversations,
      persona: () => deps.settings.persona(),
      logger: deps.logger,
      now: this.now,
      budgetTokens: deps.contextTokens ?? DEFAULT_CONTEXT_TOKENS,
    });
  }

  async start(): Promise<void> {
    // Before the daemon's first step, so it indexes for the chosen embedder.
    await this.embedders?.start();
    await this.daemon.start();
  }

  async stop(): Promise<void> {
    await this.embedders?.stop();
    await this.daemon.stop();
    // Retrieval is handed to this service alone; an implementation that indexes in the background
    // (HybridRetrieval) must finish before the database closes.
    await (this.deps.retrieval as Partial<{ stop(): Promise<void> }>).stop?.();
  }

  /** One daemon step (tests, and "consolidate now"); true when it did something. */
  runOnce(): Promise<boolean> {
    return this.daemon.runOnce();
  }

  runUntilIdle(maxSteps?: number): Promise<number> {
    return this.daemon.runUntilIdle(maxSteps);
  }

  status(): Promise<DaemonStatus> {
    return this.daemon.status();
  }

  /** Reads a conversation the daemon failed on, or skipped, again. */
  retry(conversationId: string): Promise<DaemonStatus> {
    return this.daemon.retry(conversationId);
  }

  /**
   * What the model sees for a reply: system prompt and messages within the context budget. The
   * memories given are recorded against the reply and announced, so the owner can see why.
   */
  async contextFor(reply: Message): Promise<{ system: string; messages: ModelMessage[] }> {
    const built = await this.context.build(reply);
    await this.store.recordUse(reply.id, built.used);
    this.deps.bus.emit('message.memories', {
      conversationId: reply.conversationId,
      messageId: reply.id,
      memories: built.used,
    });
    return { system: built.system, messages: built.messages };
  }

  /** The owner's pinned and task-relevant memories for an agent outside a conversation (a swarm's). */
  briefing(query: string, maxTokens = 800): Promise<{ text: string; used: UsedMemory[] }> {
    return this.context.briefing(query, maxTokens);
  }

  tools(ctx: MemoryToolContext): ToolSet {
    return memoryTools(
      {
        store: this.store,
        retrieval: this.deps.retrieval,
        audit: this.deps.audit,
        kernel: this.deps.kernel,
        now: this.now,
        byMeaning: this.searchesByMeaning(),
      },
      ctx,
    );
  }

  /** Whether a real embedding model (a provider's or this computer's) answers searches, not the hashed one. */
  searchesByMeaning(): boolean {
    return !this.embedding().activeId.startsWith('hash-');
  }

  search(query: string, limit?: number): Promise<SearchHit[]> {
    return searchMessages(this.deps.db, query, limit);
  }

  exportConversation(id: string, format: 'markdown' | 'json'): Promise<ExportedFile> {
    return exportConversation(this.deps.conversations, id, format, this.now(), async (conversationId) => {
      const [toolCalls, audit] = await Promise.all([
        this.deps.kernel.list(conversationId),
        this.deps.audit.list({ conversationId, limit: 10_000 }),
      ]);
      const permissions = audit.records
        .filter((r) => r.kind.startsWith('permission.'))
        .sort((a, b) => a.seq - b.seq);
      return { toolCalls, permissions };
    });
  }

  persona(): Persona {
    return this.deps.settings.persona();
  }

  setPersona(persona: Persona): Persona {
    return this.deps.settings.setPersona(persona);
  }

  memorySettings(): { persona: Persona; tokensPerDay: number; embedder: string } {
    const embedderId = (this.deps.retrieval as Partial<{ embedderId: string }>).embedderId;
    return {
      persona: this.deps.settings.persona(),
      tokensPerDay: this.deps.settings.memory().tokensPerDay,
      embedder: typeof embedderId === 'string' ? embedderId : DEFAULT_EMBEDDER,
    };
  }

  embedding(): EmbeddingStatus {
    if (this.embedders) return this.embedders.status();
    const embedderId = (this.deps.retrieval as Partial<{ embedderId: string }>).embedderId;
    const activeId = typeof embedderId === 'string' ? embedderId : DEFAULT_EMBEDDER;
    return {
      choice: { kind: 'built-in' },
      activeId,
      activeLabel: activeId,
      state: 'ready',
      progress: null,
      error: null,
    };
  }

  chooseEmbedder(choice: EmbedderChoice): Promise<EmbeddingStatus> {
    if (!this.embedders) throw new Error('This memory search cannot change its embedder.');
    return this.embedders.choose(choice);
  }

  embeddingModels(providerId: string): Promise<string[]> {
    if (!this.embedders) throw new Error('This memory search cannot change its embedder.');
    return this.embedders.candidates(providerId);
  }

  async setBudget(tokensPerDay: number): Promise<DaemonStatus> {
    this.deps.settings.setMemory({ ...this.deps.settings.memory(), tokensPerDay });
    return this.daemon.budgetChanged();
  }
}
