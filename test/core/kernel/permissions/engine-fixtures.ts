import { EventBus } from '../../../../src-main/core/base/event-bus.js';
import { signRotation } from '../../../../src-main/core/identity/key-rotation.js';
import {
  generateKeyPair,
  signBytes,
  type IdentityKeyPair,
} from '../../../../src-main/core/identity/signing.js';
import type { AuditEntry } from '../../../../src-main/core/kernel/audit/audit-log.js';
import { PermissionEngine } from '../../../../src-main/core/kernel/permissions/permission-engine.js';
import { rulePayload } from '../../../../src-main/core/kernel/permissions/rule-store.js';
import type { ToolCallInput } from '../../../../src-main/core/kernel/types.js';
import type { IdentityState, KeyRotation } from '../../../../src-main/core/protocol/entities.js';
import { Cell0Error } from '../../../../src-main/core/protocol/errors.js';
import type { EventFrame } from '../../../../src-main/core/protocol/frames.js';
import type { AuditRecord, ToolName } from '../../../../src-main/core/protocol/kernel-entities.js';
import { StorageService } from '../../../../src-main/core/storage/storage-service.js';
import { tempDir } from '../../../helpers/core.js';

export const WS = '/home/ada/.cell0/workspaces/conv-1';

/**
 * The identity's contract without the OS keychain: a real Ed25519 key, real rotation records, and
 * a switch that makes it unavailable the way a locked keychain does.
 */
export class FakeIdentity {
  available = true;
  private pair: IdentityKeyPair = generateKeyPair();
  private readonly chain: KeyRotation[] = [];

  get publicKey(): string {
    return this.pair.publicKey;
  }

  state(): IdentityState {
    if (!this.available) {
      return {
        status: 'unavailable',
        error: { code: 'IDENTITY_UNAVAILABLE', message: 'keychain locked (test)' },
      };
    }
    const { publicKey } = this.pair;
    return {
      status: 'ready',
      identity: {
        publicKey,
        fingerprint: 'f',
        shortFingerprint: 'f',
        createdAt: 0,
        rotations: this.chain.length,
        rotatedAt: this.chain.at(-1)?.rotatedAt ?? null,
      },
    };
  }

  async sign(data: Uint8Array | string): Promise<string> {
    if (!this.available) throw new Cell0Error('IDENTITY_UNAVAILABLE', 'keychain locked (test)');
    return signBytes(this.pair.privateKey, data);
  }

  async rotationChain(): Promise<KeyRotation[]> {
    return [...this.chain];
  }

  rotate(): void {
    const next = generateKeyPair();
    this.chain.push(signRotation(this.pair, next, Date.now()));
    this.pair = next;
  }

  /** Lets a test break the chain the way an edit in SQLite would. */
  tamperChain(edit: (chain: KeyRotation[]) => void): void {
    edit(this.chain);
  }
}

/** The audit log is a collaborator here: this one records what it was asked to append. */
export class FakeAudit {
  readonly entries: AuditEntry[] = [];
  failing = false;

  async append(entry: AuditEntry): Promise<AuditRecord> {
    if (this.failing) throw new Cell0Error('IDENTITY_UNAVAILABLE', 'cannot sign (test)');
    this.entries.push(entry);
    return { seq: this.entries.length } as AuditRecord;
  }
}

export interface Harness {
  engine: PermissionEngine;
  identity: FakeIdentity;
  audit: FakeAudit;
  bus: EventBus;
  storage: StorageService;
  events: EventFrame[];
  /** A fresh engine on the same database, identity and bus: what a restart of the app sees. */
  restart(): Promise<PermissionEngine>;
  waitFor(event: string): Promise<EventFrame>;
  close(): Promise<void>;
}

export async function harness(identity = new FakeIdentity()): Promise<Harness> {
  const dir = await tempDir('cell0-permissions-');
  const storage = new StorageService(dir.path);
  await storage.start();
  const bus = new EventBus();
  const events: EventFrame[] = [];
  const waiters: { event: string; resolve: (f: EventFrame) => void }[] = [];
  bus.subscribe((frame) => {
    events.push(frame);
    for (const w of waiters.splice(0)) {
      if (w.event === frame.event) w.resolve(frame);
      else waiters.push(w);
    }
  });
  const audit = new FakeAudit();
  const make = async () => {
    const engine = new PermissionEngine({ db: storage.db, identity, bus, audit });
    await engine.start();
    return engine;
  };
  const h: Harness = {
    engine: await make(),
    identity,
    audit,
    bus,
    storage,
    events,
    async restart() {
      await h.engine.stop();
      h.engine = await make();
      return h.engine;
    },
    waitFor(event) {
      return new Promise((resolve) => waiters.push({ event, resolve }));
    },
    async close() {
      await h.engine.stop();
      await storage.stop();
      await dir.remove();
    },
  };
  return h;
}

export function toolCall(tool: ToolName, args: unknown, ids: Partial<ToolCallInput> = {}): ToolCallInput {
  const reason =
    typeof args === 'object' && args !== null && 'reason' in args
      ? String((args as { reason: unknown }).reason)
      : null;
  return {
    conversationId: 'conv-1',
    messageId: 'msg-1',
    toolCallId: 'tc-1',
    tool,
    args,
    workspace: WS,
    reason,
    ...ids,
  };
}

/** Writes a rule row directly, signed by whatever key the test chooses (or not signed properly). */
export async function insertRule(
  storage: StorageService,
  rule: { id: string; tool: ToolName; pattern: string; decision: 'allow' | 'deny'; created_at?: number },
  signer: { publicKey: string; sign: (data: string) => string | Promise<string> },
): Promise<void> {
  const row = { created_at: Date.now(), ...rule };
  const signature = await signer.sign(rulePayload(row));
  await storage.db.run(
    'INSERT INTO permission_rules (id, tool, pattern, decision, created_at, public_key, signature) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [row.id, row.tool, row.pattern, row.decision, row.created_at, signer.publicKey, signature],
  );
}

export function signerOf(identity: FakeIdentity) {
  return { publicKey: identity.publicKey, sign: (data: string) => identity.sign(data) };
}

export function foreignSigner() {
  const pair = generateKeyPair();
  return { publicKey: pair.publicKey, sign: (data: string) => signBytes(pair.privateKey, data) };
}
