import { verify, type KeyObject } from 'node:crypto';
import { importPublicKey, verifySignature } from '../../identity/signing.js';
import type { AuditRecord, AuditVerification } from '../../protocol/kernel-entities.js';
import { AUDIT_HEAD_FILE, auditHeadSchema, headPayload } from './audit-head.js';
import { GENESIS_HASH, hashRecord } from './audit-record.js';

interface Failure {
  seq: number | null;
  reason: string;
}

/*
 * Signatures are checked with node:crypto's callback form: it runs on libuv's thread pool, so a
 * long log verifies on several cores and never holds the event loop (the window stays responsive).
 * A window bounds how many checks wait in that pool, where SQLite's statements queue too.
 */
const SIGNATURE_WINDOW = 256;

function decodeSignature(signature: unknown): Buffer | null {
  if (typeof signature !== 'string') return null;
  const raw = Buffer.from(signature, 'base64url');
  return raw.length === 64 && raw.toString('base64url') === signature ? raw : null;
}

function verifyAsync(key: KeyObject | null, data: string, signature: unknown): Promise<boolean> {
  const sig = decodeSignature(signature);
  if (!key || !sig) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      verify(null, Buffer.from(data, 'utf8'), key, sig, (err, ok) => resolve(!err && ok));
    } catch {
      resolve(false);
    }
  });
}

/** Index of the first record whose signature fails, or -1; checks run `SIGNATURE_WINDOW` at a time. */
async function firstBadSignature(records: readonly AuditRecord[], key: (pk: string) => KeyObject | null) {
  for (let start = 0; start < records.length; start += SIGNATURE_WINDOW) {
    const window = records.slice(start, start + SIGNATURE_WINDOW);
    const results = await Promise.all(window.map((r) => verifyAsync(key(r.publicKey), r.hash, r.signature)));
    const bad = results.indexOf(false);
    if (bad >= 0) return start + bad;
  }
  return -1;
}

function recomputes(record: AuditRecord, seq = record.seq): boolean {
  try {
    return hashRecord({ ...record, seq }) === record.hash;
  } catch {
    // A column turned into something JSON has no form for (a blob) was altered all the same.
    return false;
  }
}

/**
 * Walks the chain a batch at a time and keeps the first failure by sequence number. Feed batches
 * in seq order, then call `finish`.
 */
class ChainVerifier {
  private readonly known: ReadonlySet<string>;
  private readonly keys = new Map<string, KeyObject | null>();
  private expected = 1;
  private prevHash = GENESIS_HASH;
  private count = 0;
  private failure: Failure | null = null;
  /** The seq the head claims (unchecked yet) and the hash the walk found there, to compare later. */
  private readonly headSeq: unknown;
  private hashAtHead: string | undefined;

  /**
   * `head` is the head file's content as untrusted input: undefined skips the tail check, null
   * means the file is missing (see audit-head.ts for why it exists).
   */
  constructor(
    knownKeys: Iterable<string>,
    private readonly head?: unknown,
  ) {
    this.known = new Set(knownKeys);
    this.headSeq = (head as { seq?: unknown } | null | undefined)?.seq;
  }

  /** False once a failure is found (later batches are then only counted). */
  async add(batch: readonly AuditRecord[]): Promise<boolean> {
    this.count += batch.length;
    if (this.failure) return false;
    let structural: Failure | null = null;
    let checked = batch.length;
    for (let i = 0; i < batch.length; i++) {
      structural = this.check(batch[i]!, batch);
      if (structural) {
        checked = i;
        break;
      }
    }
    // A bad signature before the first structural failure is the earlier failure.
    const bad = await firstBadSignature(batch.slice(0, checked), (pk) => this.keyObject(pk));
    if (bad >= 0) {
      const seq = batch[bad]!.seq;
      this.failure = { seq, reason: `record ${seq} has a signature that does not verify` };
    } else {
      this.failure = structural;
    }
    return this.failure === null;
  }

  /** The verdict, once every batch is in. */
  finish(): AuditVerification {
    const failure = this.failure ?? (this.head === undefined ? null : this.checkHead(this.head));
    return {
      ok: failure === null,
      count: this.count,
      firstBadSeq: failure?.seq ?? null,
      reason: failure?.reason ?? null,
    };
  }

  private check(record: AuditRecord, batch: readonly AuditRecord[]): Failure | null {
    const seq = this.expected;
    if (record.seq > seq) return { seq, reason: `record ${seq} is missing` };
    if (record.seq < seq) return { seq: record.seq, reason: `record ${record.seq} is out of order` };
    if (!recomputes(record)) return this.diagnoseAltered(record, batch);
    if (record.prevHash !== this.prevHash) {
      const reason =
        seq === 1 ? 'record 1 does not start the chain' : `record ${seq} does not follow record ${seq - 1}`;
      return { seq, reason };
    }
    if (!this.known.has(record.publicKey)) {
      return { seq, reason: `record ${seq} is signed by a key that is not one of this instance's keys` };
    }
    this.expected = seq + 1;
    this.prevHash = record.hash;
    if (seq === this.headSeq) this.hashAtHead = record.hash;
    return null;
  }

  /**
   * Tells a moved record (intact, but under another seq) from an edited one, for the owner's sake.
   * Reordering swaps seqs among stored records, so only the seqs in this batch are tried (only ever
   * on a failure, so the cost does not matter).
   */
  private diagnoseAltered(record: AuditRecord, batch: readonly AuditRecord[]): Failure {
    const seq = record.seq;
    const original = batch.find((r) => r.seq !== seq && recomputes(record, r.seq))?.seq;
    if (original !== undefined) {
      return {
        seq,
        reason: `record ${seq} was moved: the records were reordered (it was written as ${original})`,
      };
    }
    return { seq, reason: `record ${seq} was altered: its contents do not match its hash` };
  }

  private checkHead(content: unknown): Failure | null {
    const last = this.expected - 1;
    if (content === null) {
      if (last === 0) return null;
      return {
        seq: null,
        reason: `the log has ${last} records but its signed head (${AUDIT_HEAD_FILE}) is missing: records may have been removed`,
      };
    }
    const parsed = auditHeadSchema.safeParse(content);
    if (!parsed.success) {
      return { seq: null, reason: `the audit head file (${AUDIT_HEAD_FILE}) is malformed` };
    }
    const head = parsed.data;
    const signed =
      this.known.has(head.publicKey) &&
      verifySignature(head.publicKey, headPayload(head.seq, head.hash), head.signature);
    if (!signed) return { seq: null, reason: 'the audit head is not signed by this instance' };
    if (head.seq > last) {
      return {
        seq: last + 1,
        reason: `the log ends at ${last} but the head says ${head.seq}: records were removed`,
      };
    }
    // A head behind the log is what a crash between commit and head write leaves: harmless, as long
    // as the record it names is still the one it signed.
    if (head.seq > 0 && this.hashAtHead !== head.hash) {
      return { seq: head.seq, reason: `record ${head.seq} does not match the signed head: it was replaced` };
    }
    return null;
  }

  /** Imported once per key, not per record; null for a malformed key (its signatures then fail). */
  private keyObject(publicKey: string): KeyObject | null {
    if (!this.keys.has(publicKey)) {
      let key: KeyObject | null = null;
      try {
        key = importPublicKey(publicKey);
      } catch {
        // Stays null.
      }
      this.keys.set(publicKey, key);
    }
    return this.keys.get(publicKey) ?? null;
  }
}

const BATCH = 2000;

/**
 * Whether `records` (in the order stored) form one unbroken chain from seq 1, every record hashing
 * to its hash, linking to the one before, signed by its key, that key one of `knownKeys`; and, when
 * `head` is given, whether the log still reaches the signed head (undefined skips that check, null
 * says the head file is missing). Pure: no database, no keychain. `count` is the number of records
 * given, good or bad. An async iterable is walked as it arrives, so a long log needs little memory.
 */
export async function verifyChain(
  records: Iterable<AuditRecord> | AsyncIterable<AuditRecord>,
  knownKeys: Iterable<string>,
  head?: unknown,
): Promise<AuditVerification> {
  const verifier = new ChainVerifier(knownKeys, head);
  let batch: AuditRecord[] = [];
  for await (const record of records) {
    batch.push(record);
    if (batch.length === BATCH) {
      await verifier.add(batch);
      batch = [];
    }
  }
  await verifier.add(batch);
  return verifier.finish();
}
