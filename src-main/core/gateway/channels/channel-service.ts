import type { FSWatcher } from 'node:fs';
import type { EventBus } from '../../base/event-bus.js';
import type { Logger } from '../../base/logger.js';
import type { ConversationStore } from '../../conversations/store.js';
import type { Keychain } from '../../identity/keychain.js';
import type { AuditLog } from '../../kernel/audit/audit-log.js';
import type { ToolSet } from 'ai';
import { channelTools } from './channel-tools.js';
import { loadMarkdown } from './markdown.js';
import type {
  Channel,
  ChannelChat,
  ChannelKind,
  ChannelStatus,
  Pairing,
} from '../../protocol/channel-entities.js';
import { Cell0Error, isCell0Error } from '../../protocol/errors.js';
import type { Database } from '../../storage/database.js';
import { AccountSupervisor, DEFAULT_BACKOFF, initialStatus, type Backoff } from './account-supervisor.js';
import type { ChannelAdapter } from './adapter.js';
import { loadPlatformAdapter } from './channel-adapters.js';
import {
  addChannel,
  approvePairing,
  rejectPairing,
  removeChannel,
  type AddChannel,
} from './channel-admin.js';
import { ChannelStore, type ChannelConfig, type ChannelRecord, type PairingRecord } from './channel-store.js';
import { channelEntity, pairingEntity, watchChanges } from './channel-view.js';
import { InboundRouter, type AgentEntry } from './inbound-router.js';
import { Outbox } from './outbox.js';
import { OwnerApprovals } from './owner-approvals.js';
import { ReplyDelivery } from './reply-delivery.js';
import { SessionVault, tokenAccount } from './session-vault.js';

export interface ChannelServiceDeps {
  db: Database;
  audit: Pick<AuditLog, 'append'>;
  bus: EventBus;
  keychain: Keychain;
  logger: Logger;
  dataDir: string;
  conversations: ConversationStore;
  agent: AgentEntry;
  workspaceFor(conversationId: string): Promise<string>;
  answerPermission(requestId: string, decision: 'allow-once' | 'deny'): Promise<void>;
  /** Adapters to use instead of the platform ones (tests: WhatsApp at its socket boundary). */
  adapters?: Partial<Record<ChannelKind, ChannelAdapter>>;
  backoff?: Backoff;
  /** Watch the data directory for `cell0 channels` changes (off in tests that do not need it). */
  watchChanges?: boolean;
}

interface Running {
  supervisor: AccountSupervisor;
  adapter: ChannelAdapter;
}

/**
 * The owner's agent on chat platforms: each account runs in the background under a supervisor,
 * inbound messages go through the router to the one agent turn, replies come back through the
 * outbox. The window and `cell0 channels` share the store; a running app picks up the CLI's
 * changes from a file it watches.
 */
export class ChannelService {
  readonly store: ChannelStore;
  private readonly outbox: Outbox;
  private readonly router: InboundRouter;
  private readonly delivery: ReplyDelivery;
  private readonly approvals: OwnerApprovals;
  private readonly records = new Map<string, ChannelRecord>();
  private readonly running = new Map<string, Running>();
  private readonly statuses = new Map<string, ChannelStatus>();
  private readonly adapters = new Map<ChannelKind, ChannelAdapter>();
  /** Pairings this process knows are waiting: one that vanishes on reload was answered by the CLI. */
  private readonly knownPairings = new Map<string, PairingRecord>();
  private watcher: FSWatcher | null = null;
  private reloading: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly deps: ChannelServiceDeps) {
    this.store = new ChannelStore(deps.db);
    for (const [kind, adapter] of Object.entries(deps.adapters ?? {}))
      this.adapters.set(kind as ChannelKind, adapter);
    const backoff = deps.backoff ?? DEFAULT_BACKOFF;
    const account = (id: string) => this.running.get(id)?.supervisor.account ?? null;
    const adapter = (kind: ChannelKind) => {
      const found = this.adapters.get(kind);
      if (!found) throw new Error(`The ${kind} adapter is not loaded.`);
      return found;
    };
    const channel = (id: string) => this.records.get(id) ?? null;
    this.outbox = new Outbox(
      this.store,
      (id) => {
        const r = this.running.get(id);
        return r ? { account: r.supervisor.account, idempotent: r.adapter.kind !== 'telegram' } : null;
      },
      deps.logger,
      backoff,
    );
    this.delivery = new ReplyDelivery({
      bus: deps.bus,
      outbox: this.outbox,
      logger: deps.logger,
      adapter,
      account,
    });
    this.router = new InboundRouter({
      store: this.store,
      conversations: deps.conversations,
      agent: deps.agent,
      outbox: this.outbox,
      bus: deps.bus,
      logger: deps.logger,
      channel,
      adapter,
      workspaceFor: deps.workspaceFor,
      onChat: (chat) => {
        this.delivery.track(chat);
        deps.bus.emit('channels.chat', { chat });
      },
      onPairing: (p) => {
        this.knownPairings.set(p.code, p);
        deps.bus.emit('channels.pairing', { pairing: this.pairingEntity(p) });
      },
    });
    this.approvals = new OwnerApprovals({
      bus: deps.bus,
      outbox: this.outbox,
      logger: deps.logger,
      chatOf: (id) => this.delivery.chatOf(id),
      channel,
      adapter,
      account,
      answer: deps.answerPermission,
    });
  }

  /** Reads the store and returns; every account connects in the background. */
  async start(): Promise<void> {
    this.stopped = false;
    const [records, chats, pairings] = await Promise.all([
      this.store.channels(),
      this.store.chats(),
      this.store.pairings(Date.now()),
    ]);
    for (const r of records) this.records.set(r.id, r);
    for (const p of pairings) this.knownPairings.set(p.code, p);
    this.delivery.start(chats);
    this.approvals.start();
    if (this.deps.watchChanges !== false) {
      this.watcher = watchChanges(this.deps.dataDir, () => void this.reload(), this.deps.logger);
    }
    void this.router
      .resume()
      .catch((err: unknown) => this.deps.logger.warn('could not resume channel messages', err));
    for (const r of records) if (r.config.enabled) void this.startAccount(r);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = null;
    this.approvals.stop();
    this.delivery.stop();
    this.outbox.stop();
    await Promise.all([...this.running.keys()].map((id) => this.stopAccount(id)));
    await this.reloading.catch(() => undefined);
  }

  async list(): Promise<{ channels: Channel[]; chats: ChannelChat[]; pairings: Pairing[] }> {
    const [chats, pairings] = await Promise.all([this.store.chats(), this.store.pairings(Date.now())]);
    return {
      channels: [...this.records.values()].map((r) => this.entity(r)),
      chats,
      pairings: pairings.map((p) => this.pairingEntity(p)),
    };
  }

  async add(params: AddChannel): Promise<Channel> {
    const record = await addChannel(this.store, this.deps.keychain, params);
    this.records.set(record.id, record);
    this.announce(record);
    void this.startAccount(record);
    return this.entity(record);
  }

  async update(id: string, patch: Partial<Pick<ChannelConfig, 'groups' | 'dmApprovals' | 'ratePerMinute'>>) {
    const record = await this.require(id);
    const config = { ...record.config, ...patch };
    await this.store.setConfig(id, config);
    return this.refresh(id);
  }

  async remove(id: string): Promise<boolean> {
    await this.require(id);
    await this.stopAccount(id);
    const removed = await removeChannel(this.store, this.deps.keychain, id);
    this.forget(id);
    return removed;
  }

  async reconnect(id: string): Promise<Channel> {
    const record = await this.require(id);
    await this.stopAccount(id);
    void this.startAccount(record);
    return this.entity(record);
  }

  async approve(code: string): Promise<{ channel: Channel; senderId: string; role: 'owner' | 'allowed' }> {
    const approval = await approvePairing(this.store, code);
    this.knownPairings.delete(approval.pairing.code);
    // The router reads senders from memory: it learns the approval before the welcome goes out,
    // or a reply typed the moment the welcome arrives would get a second code.
    const channel = this.keep(approval.channel);
    this.deps.bus.emit('channels.pairingResolved', { code, approved: true });
    await this.welcome(approval.pairing, approval.role);
    return { channel, senderId: approval.pairing.senderId, role: approval.role };
  }

  async reject(code: string): Promise<boolean> {
    const rejected = await rejectPairing(this.store, code);
    this.knownPairings.delete(code);
    if (rejected) this.deps.bus.emit('channels.pairingResolved', { code, approved: false });
    return rejected;
  }

  async removeSender(id: string, senderId: string): Promise<Channel> {
    await this.require(id);
    await this.store.removeSender(id, senderId);
    return this.refresh(id);
  }

  private async welcome(pairing: PairingRecord, role: 'owner' | 'allowed'): Promise<void> {
    const record = this.records.get(pairing.channelId);
    const running = this.running.get(pairing.channelId);
    if (!record || !running) return;
    const text =
      role === 'owner'
        ? 'You are paired as the owner of this Cell 0. Write anything: it goes to your agent.'
        : 'The owner approved you. Write anything: it goes to their Cell 0 agent.';
    await loadMarkdown();
    await this.outbox.send(record.id, pairing.chatId, `pair:${pairing.code}:ok`, {
      text: running.adapter.format(text),
    });
  }

  private async require(id: string): Promise<ChannelRecord> {
    const record = this.records.get(id) ?? (await this.store.channel(id));
    if (!record) throw new Cell0Error('NOT_FOUND', 'That channel does not exist any more. Refresh the list.');
    return record;
  }

  private async refresh(id: string): Promise<Channel> {
    const record = await this.store.channel(id);
    if (!record) throw new Cell0Error('NOT_FOUND', 'That channel does not exist any more. Refresh the list.');
    return this.keep(record);
  }

  /** The stored record becomes the one the router and the window see. */
  private keep(record: ChannelRecord): Channel {
    this.records.set(record.id, record);
    this.announce(record);
    return this.entity(record);
  }

  private forget(id: string): void {
    this.records.delete(id);
    this.statuses.delete(id);
    this.delivery.forgetChannel(id);
    this.deps.bus.emit('channels.removed', { id });
  }

  private announce(record: ChannelRecord): void {
    this.deps.bus.emit('channels.updated', { channel: this.entity(record) });
  }

  private entity(r: ChannelRecord): Channel {
    return channelEntity(r, this.statuses.get(r.id) ?? initialStatus(r.createdAt));
  }

  private pairingEntity(p: PairingRecord): Pairing {
    return pairingEntity(p, this.records.get(p.channelId));
  }

  private setStatus(id: string, status: ChannelStatus): void {
    if (!this.records.has(id)) return;
    this.statuses.set(id, status);
    this.deps.bus.emit('channels.status', { channelId: id, status });
    if (status.state === 'connected') {
      void this.outbox
        .resume(id)
        .catch((err: unknown) => this.deps.logger.warn('could not resume sends', err));
    }
  }

  private failStart(id: string, err: unknown): void {
    if (!isCell0Error(err)) this.deps.logger.error(`channel ${id} could not start`, err);
    const error = isCell0Error(err)
      ? err.toShape()
      : { code: 'CHANNEL_ERROR' as const, message: 'The channel could not start (logged).' };
    this.setStatus(id, { ...initialStatus(Date.now()), state: 'failed', error });
  }

  private async adapterFor(kind: ChannelKind): Promise<ChannelAdapter> {
    const known = this.adapters.get(kind);
    if (known) return known;
    const loaded = await loadPlatformAdapter(kind);
    this.adapters.set(kind, loaded);
    return loaded;
  }

  /** Opens the account and hands it to a supervisor; every failure becomes the channel's status. */
  private async startAccount(record: ChannelRecord): Promise<void> {
    if (this.running.has(record.id) || this.stopped) return;
    const placeholder = { supervisor: null, adapter: null } as unknown as Running;
    this.running.set(record.id, placeholder);
    try {
      this.setStatus(record.id, { ...initialStatus(Date.now()), state: 'connecting' });
      const adapter = await this.adapterFor(record.kind);
      const token = record.config.hasToken
        ? await this.deps.keychain.getExpected(tokenAccount(record.id))
        : null;
      const account = adapter.open({ channelId: record.id, token, apiRoot: record.config.apiRoot });
      if (this.running.get(record.id) !== placeholder) return;
      const supervisor = new AccountSupervisor(
        record.id,
        account,
        {
          inbound: (m) => this.router.receive(record.id, m),
          press: (p) => void this.approvals.press(record.id, p),
          session: new SessionVault(record.id, this.store, this.deps.keychain),
          owner: (owner) => void this.setOwner(record.id, owner),
        },
        (status) => this.setStatus(record.id, status),
        this.deps.logger,
        this.deps.backoff,
      );
      this.running.set(record.id, { supervisor, adapter });
      supervisor.start();
    } catch (err) {
      if (this.running.get(record.id) === placeholder) this.running.delete(record.id);
      this.failStart(record.id, err);
    }
  }

  private async stopAccount(id: string): Promise<void> {
    const running = this.running.get(id);
    this.running.delete(id);
    await running?.supervisor?.stop();
  }

  private async setOwner(channelId: string, owner: { id: string; name: string }): Promise<void> {
    const record = this.records.get(channelId);
    if (!record || record.senders.some((s) => s.id === owner.id && s.role === 'owner')) return;
    await this.store.setSender(channelId, { ...owner, role: 'owner' }, Date.now());
    await this.refresh(channelId);
  }

  /** Applies what `cell0 channels` changed: new and removed accounts, settings, senders, pairings. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(async () => {
      if (this.stopped) return;
      const records = await this.store.channels();
      const ids = new Set(records.map((r) => r.id));
      for (const id of [...this.records.keys()]) {
        if (ids.has(id)) continue;
        await this.stopAccount(id);
        this.forget(id);
      }
      for (const r of records) {
        this.records.set(r.id, r);
        this.announce(r);
        if (!r.config.enabled) await this.stopAccount(r.id);
        else if (!this.running.has(r.id)) void this.startAccount(r);
      }
      const waiting = await this.store.pairings(Date.now());
      const codes = new Set(waiting.map((p) => p.code));
      for (const [code, p] of [...this.knownPairings]) {
        if (codes.has(code)) continue;
        this.knownPairings.delete(code);
        const sender = this.records.get(p.channelId)?.senders.find((s) => s.id === p.senderId);
        this.deps.bus.emit('channels.pairingResolved', { code, approved: sender !== undefined });
        if (sender) await this.welcome(p, sender.role);
      }
      for (const p of waiting) {
        if (this.knownPairings.has(p.code)) continue;
        this.knownPairings.set(p.code, p);
        this.deps.bus.emit('channels.pairing', { pairing: this.pairingEntity(p) });
      }
    });
    const settled = this.reloading.catch((err: unknown) =>
      this.deps.logger.warn('could not reload channels', err),
    );
    this.reloading = settled;
    return settled;
  }

  /** The tools a reply in a channel conversation gets (none elsewhere). */
  tools(ctx: { conversationId: string; messageId: string }): ToolSet {
    return channelTools(
      {
        chatOf: (id) => this.delivery.chatOf(id),
        outbox: this.outbox,
        workspaceFor: this.deps.workspaceFor,
        audit: this.deps.audit,
      },
      ctx,
    );
  }
}
