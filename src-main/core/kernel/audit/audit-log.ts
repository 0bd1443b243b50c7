import { dirname } from 'node:path';
import type { EventBus } from '../../base/event-bus.js';
import type { IdentityService } from '../../identity/identity-service.js';
import { verifySignature } from '../../identity/signing.js';
import { Cell0Error, isCell0Error } from '../../protocol/errors.js';
import type { AuditRecord, AuditVerification } from '../../protocol/kernel-entities.js';
import type { Database, SqlValue } from '../../storage/database.js';
import { headFileIn, headPayload, writeHeadFile, type AuditHead } from './audit-head.js';
import { GENESIS_HASH, RECORD_COLUMNS, hashRecord, nextRecordBody, type AuditEntry } from './audit-record.js';
import { verifyStoredLog } from './stored-log.js';

export type { AuditEntry } from './audit-record.js';

export interface AuditLogDeps {
  db: Database;
  identity: Pick<IdentityService, 'sign' | 'state'>;
  bus: EventBus;
  /** Where the signed head is kept; by default beside the database, in the data directory. */
  headFile?: string;
}

export interface AuditListQuery {
  /** Newest first; only records with a seq below this one. */
  beforeSeq?: number;
  limit: number;
  conversationId?: string;
}

const INSERT = `INSERT INTO audit_log
  (seq, time, actor, kind, tool, args_digest, outcome, conversation_id, prev_hash, hash, signature, public_key)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** A rotation swaps the signing key a moment before state() names the new one: wait that out. */
const SIGN_ATTEMPTS = 3;

function unavailable(detail: string, cause?: unknown): Cell0Error {
  return new Cell0Error(
    'IDENTITY_UNAVAILABLE',
    `Tools cannot run without a signed audit trail, and this instance's identity key is not available to sign it: ${detail}`,
    { cause },
  );
}

/**
 * The kernel's append-only record of what ran and who allowed it: each record hashes its content
 * and its predecessor's hash, and is signed by the instance key, so an edit, insertion, removal or
 * reordering shows up in `verify()`; a signed head file covers removal of the newest records.
 */
export class AuditLog {
  private readonly db: Database;
  private readonly identity: AuditLogDeps['identity'];
  private readonly bus: EventBus;
  private readonly headFile: string;
  // Appends one at a time, so seq order, head file order and event order all match call order.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(deps: AuditLogDeps) {
    this.db = deps.db;
    this.identity = deps.identity;
    this.bus = deps.bus;
    this.headFile = deps.headFile ?? headFileIn(dirname(deps.db.file));
  }

  /** Nothing to load: the last record is read inside each append's transaction (see there). */
  async start(): Promise<void> {}

  /** Lets appends already asked for finish. */
  async stop(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  /**
   * Appends a signed record and announces it (`audit.appended`). Throws IDENTITY_UNAVAILABLE when
   * the key cannot sign (a locked keychain): nothing is written then, and the kernel must not run
   * the tool — an unrecorded call is worse than a refused one.
   */
  append(entry: AuditEntry): Promise<AuditRecord> {
    const run = this.queue.then(() => this.write(entry));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The newest record's seq and hash (seq 0 and the genesis hash when the log is empty). */
  async head(): Promise<{ seq: number; hash: string }> {
    const last = await this.db.get<{ seq: number; hash: string }>(
      'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
    );
    return last ?? { seq: 0, hash: GENESIS_HASH };
  }

  /** Newest first; `total` counts every record that matches the conversation filter. */
  async list(query: AuditListQuery): Promise<{ records: AuditRecord[]; total: number }> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (query.conversationId !== undefined) {
      where.push('conversation_id = ?');
      params.push(query.conversationId);
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_log ${filter}`, params);
    if (query.beforeSeq !== undefined) {
      where.push('seq < ?');
      params.push(query.beforeSeq);
    }
    const page = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const records = await this.db.all<AuditRecord>(
      `SELECT ${RECORD_COLUMNS} FROM audit_log ${page} ORDER BY seq DESC LIMIT ?`,
      [...params, query.limit],
    );
    return { records, total: total?.n ?? 0 };
  }

  /** Checks the whole chain, every signature and key, and the signed head. Needs no private key. */
  verify(): Promise<AuditVerification> {
    return verifyStoredLog(this.db, this.headFile);
  }

  private async write(entry: AuditEntry): Promise<AuditRecord> {
    const state = this.identity.state();
    if (state.status !== 'ready') throw unavailable(state.error.message);
    const { record, head } = await this.db.transaction(async () => {
      // Read under the write lock, not cached: `cell0 serve` and the desktop app may share the database.
      const previous = await this.db.get<{ seq: number; hash: string }>(
        'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
      );
      const body = nextRecordBody(entry, previous ?? null, Date.now());
      const hash = hashRecord(body);
      const signed = await this.sign(hash);
      const record: AuditRecord = { ...body, hash, ...signed };
      // Signed before commit, so a record is never committed without a head ready to follow it.
      const head: AuditHead = { seq: record.seq, hash, ...(await this.sign(headPayload(record.seq, hash))) };
      await this.db.run(INSERT, [
        record.seq,
        record.time,
        record.actor,
        record.kind,
        record.tool,
        record.argsDigest,
        record.outcome,
        record.conversationId,
        record.prevHash,
        record.hash,
        record.signature,
        record.publicKey,
      ]);
      return { record, head };
    });
    this.bus.emit('audit.appended', { record });
    // The head after the commit: a crash in between leaves it one behind, which verify accepts (the
    // record it names is still there); written before, a crash would leave a head naming a record
    // that never committed, indistinguishable from a removed one.
    await writeHeadFile(this.headFile, head).catch((err: unknown) => {
      throw new Cell0Error(
        'INTERNAL',
        `Audit record ${record.seq} was written, but its signed head file (${this.headFile}) could not be saved, so removing it would go unnoticed. Check the data directory's free space and permissions.`,
        { cause: err },
      );
    });
    return record;
  }

  /**
   * Signs with the current key and names it. The signature is checked against the key state()
   * names, because a rotation can change the signing key before state() reports the new one.
   */
  private async sign(data: string): Promise<{ signature: string; publicKey: string }> {
    for (let attempt = 0; attempt < SIGN_ATTEMPTS; attempt++) {
      const state = this.identity.state();
      if (state.status !== 'ready') throw unavailable(state.error.message);
      let signature: string;
      try {
        signature = await this.identity.sign(data);
      } catch (err) {
        if (isCell0Error(err) && err.code === 'IDENTITY_UNAVAILABLE') throw unavailable(err.message, err);
        throw err;
      }
      const { publicKey } = state.identity;
      if (verifySignature(publicKey, data, signature)) return { signature, publicKey };
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw unavailable('the identity key changed while signing. Try again.');
  }
}
