import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../../src-main/core/base/event-bus.js';
import { verifySignature } from '../../../../src-main/core/identity/identity-service.js';
import { generateKeyPair, signBytes } from '../../../../src-main/core/identity/signing.js';
import {
  AUDIT_HEAD_FILE,
  headPayload,
  writeHeadFile,
} from '../../../../src-main/core/kernel/audit/audit-head.js';
import { AuditLog, type AuditEntry } from '../../../../src-main/core/kernel/audit/audit-log.js';
import {
  GENESIS_HASH,
  digestArgs,
  hashRecord,
  nextRecordBody,
} from '../../../../src-main/core/kernel/audit/audit-record.js';
import type { IdentityState } from '../../../../src-main/core/protocol/entities.js';
import { Cell0Error } from '../../../../src-main/core/protocol/errors.js';
import type { AuditRecord } from '../../../../src-main/core/protocol/kernel-entities.js';
import { LockedKeychain, openAuditFixture, type AuditFixture } from './audit-fixture.js';

const fixtures: AuditFixture[] = [];

afterEach(async () => {
  for (const f of fixtures.splice(0)) await f.remove();
});

async function open(options?: Parameters<typeof openAuditFixture>[0]): Promise<AuditFixture> {
  const f = await openAuditFixture(options);
  fixtures.push(f);
  return f;
}

function entry(i: number, extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    actor: 'agent:c1',
    kind: 'tool.call',
    tool: 'shell',
    args: { command: `echo ${i}` },
    outcome: `ran ${i}`,
    conversationId: 'c1',
    ...extra,
  };
}

async function appendN(f: AuditFixture, n: number): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for (let i = 1; i <= n; i++) records.push(await f.audit.append(entry(i)));
  return records;
}

function publicKeyOf(f: AuditFixture): string {
  const state = f.identity.state();
  if (state.status !== 'ready') throw new Error('identity not ready');
  return state.identity.publicKey;
}

async function rowCount(f: AuditFixture): Promise<number> {
  return (await f.storage.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_log'))!.n;
}

describe('AuditLog: appending', () => {
  it('chains records: seq contiguous, each prevHash the hash before, each signed by the instance key', async () => {
    const f = await open();
    const records = await appendN(f, 5);
    const key = publicKeyOf(f);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(records[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < records.length; i++) expect(records[i]!.prevHash).toBe(records[i - 1]!.hash);
    for (const r of records) {
      expect(r.hash).toBe(hashRecord(r));
      expect(r.publicKey).toBe(key);
      expect(verifySignature(key, r.hash, r.signature)).toBe(true);
    }
    expect(await f.audit.head()).toEqual({ seq: 5, hash: records[4]!.hash });
    expect(await f.audit.verify()).toEqual({ ok: true, count: 5, firstBadSeq: null, reason: null });
  });

  it('keeps concurrent appends in call order, and announces each one in that order', async () => {
    const f = await open();
    const records = await Promise.all(
      Array.from({ length: 40 }, (_, i) => f.audit.append(entry(i, { outcome: `call ${i}` }))),
    );
    expect(records.map((r) => r.outcome)).toEqual(records.map((_, i) => `call ${i}`));
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    const announced = f.events.filter((e) => e.event === 'audit.appended');
    expect(announced.map((e) => (e.payload as { record: AuditRecord }).record)).toEqual(records);
    expect((await f.audit.verify()).ok).toBe(true);
  });

  it('stores a digest of the arguments, not the arguments: same args in any key order, same digest', async () => {
    const f = await open();
    const a = await f.audit.append(
      entry(1, { args: { command: 'curl -H "Authorization: hunter2"', cwd: '/w' } }),
    );
    const b = await f.audit.append(
      entry(2, { args: { cwd: '/w', command: 'curl -H "Authorization: hunter2"' } }),
    );
    const c = await f.audit.append(entry(3, { args: { cwd: '/w', command: 'ls' } }));
    const none = await f.audit.append({ actor: 'owner', kind: 'rule.add', outcome: 'added' });
    expect(a.argsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(b.argsDigest).toBe(a.argsDigest);
    expect(c.argsDigest).not.toBe(a.argsDigest);
    expect(a.argsDigest).toBe(digestArgs({ command: 'curl -H "Authorization: hunter2"', cwd: '/w' }));
    expect(none).toMatchObject({ argsDigest: null, tool: null, conversationId: null });
    const rows = await f.storage.db.all('SELECT * FROM audit_log');
    expect(JSON.stringify(rows)).not.toContain('hunter2');
  });

  it('lists newest first, pages with beforeSeq, filters by conversation and counts the total', async () => {
    const f = await open();
    for (let i = 1; i <= 6; i++) await f.audit.append(entry(i, { conversationId: i % 2 ? 'odd' : 'even' }));
    const all = await f.audit.list({ limit: 4 });
    expect(all.total).toBe(6);
    expect(all.records.map((r) => r.seq)).toEqual([6, 5, 4, 3]);
    const next = await f.audit.list({ limit: 4, beforeSeq: 3 });
    expect(next.records.map((r) => r.seq)).toEqual([2, 1]);
    const odd = await f.audit.list({ limit: 10, conversationId: 'odd' });
    expect(odd).toMatchObject({ total: 3 });
    expect(odd.records.map((r) => r.seq)).toEqual([5, 3, 1]);
    expect(all.records[0]).toEqual((await f.audit.list({ limit: 1 })).records[0]);
  });

  it('writes the signed head file after each append', async () => {
    const f = await open();
    const [, last] = await appendN(f, 2);
    const head = JSON.parse(await readFile(join(f.dataDir, AUDIT_HEAD_FILE), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(head).toMatchObject({ seq: 2, hash: last!.hash, publicKey: publicKeyOf(f) });
    expect(verifySignature(publicKeyOf(f), headPayload(2, last!.hash), head.signature as string)).toBe(true);
  });
});

describe('AuditLog: without the identity key', () => {
  it('refuses to append when the keychain is locked, says why, and writes nothing', async () => {
    const f = await open({ keychain: new LockedKeychain('Cell 0 locked test') });
    expect(f.identity.state().status).toBe('unavailable');
    const err = await f.audit.append(entry(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Cell0Error);
    expect(err).toMatchObject({ code: 'IDENTITY_UNAVAILABLE' });
    expect((err as Error).message).toMatch(/Tools cannot run without a signed audit trail/);
    expect(await rowCount(f)).toBe(0);
    await expect(readFile(join(f.dataDir, AUDIT_HEAD_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(f.events.filter((e) => e.event === 'audit.appended')).toEqual([]);
  });

  it('rolls back when signing fails mid-append, and the next append still chains', async () => {
    const f = await open();
    const [first] = await appendN(f, 1);
    let locked = true;
    const identity = {
      state: (): IdentityState => f.identity.state(),
      sign: (data: string | Uint8Array) =>
        locked
          ? Promise.reject(new Cell0Error('IDENTITY_UNAVAILABLE', 'The keychain was locked meanwhile.'))
          : f.identity.sign(data),
    };
    const audit = new AuditLog({ db: f.storage.db, identity, bus: new EventBus() });
    await expect(audit.append(entry(2))).rejects.toMatchObject({
      code: 'IDENTITY_UNAVAILABLE',
      message: expect.stringMatching(/signed audit trail.*locked meanwhile/),
    });
    expect(await rowCount(f)).toBe(1);
    locked = false;
    const second = await audit.append(entry(2));
    expect(second).toMatchObject({ seq: 2, prevHash: first!.hash });
    expect((await f.audit.verify()).ok).toBe(true);
  });
});

describe('AuditLog: verification finds tampering', () => {
  async function tampered(sql: string, params: (string | number)[] = []) {
    const f = await open();
    const records = await appendN(f, 5);
    await f.storage.db.run(sql, params);
    return { f, records, result: await f.audit.verify() };
  }

  it('an edited outcome', async () => {
    const { result } = await tampered("UPDATE audit_log SET outcome = 'denied' WHERE seq = 3");
    expect(result).toEqual({
      ok: false,
      count: 5,
      firstBadSeq: 3,
      reason: 'record 3 was altered: its contents do not match its hash',
    });
  });

  it('an edited record whose hash was recomputed: its signature no longer verifies', async () => {
    const f = await open();
    const records = await appendN(f, 5);
    const forged = hashRecord({ ...records[1]!, outcome: 'nothing ran' });
    await f.storage.db.run("UPDATE audit_log SET outcome = 'nothing ran', hash = ? WHERE seq = 2", [forged]);
    expect(await f.audit.verify()).toMatchObject({
      ok: false,
      firstBadSeq: 2,
      reason: 'record 2 has a signature that does not verify',
    });
  });

  it('a deleted record in the middle', async () => {
    const { result } = await tampered('DELETE FROM audit_log WHERE seq = 3');
    expect(result).toMatchObject({ ok: false, count: 4, firstBadSeq: 3, reason: 'record 3 is missing' });
  });

  it('a deleted last record, through the signed head', async () => {
    const { result } = await tampered('DELETE FROM audit_log WHERE seq = 5');
    expect(result).toMatchObject({
      ok: false,
      count: 4,
      firstBadSeq: 5,
      reason: 'the log ends at 4 but the head says 5: records were removed',
    });
  });

  it('every record deleted', async () => {
    const { result } = await tampered('DELETE FROM audit_log');
    expect(result).toMatchObject({
      ok: false,
      count: 0,
      firstBadSeq: 1,
      reason: expect.stringMatching(/ends at 0/),
    });
  });

  it('a deleted tail whose head file was also deleted, or replaced with one it cannot sign', async () => {
    const { f, records } = await tampered('DELETE FROM audit_log WHERE seq = 5');
    const headFile = join(f.dataDir, AUDIT_HEAD_FILE);
    await rm(headFile);
    expect(await f.audit.verify()).toMatchObject({
      ok: false,
      firstBadSeq: null,
      reason: expect.stringMatching(/has 4 records but its signed head .* is missing/),
    });
    // Record 4's own signature (over its bare hash) must not pass for a head.
    const r4 = records[3]!;
    await writeFile(
      headFile,
      JSON.stringify({ seq: 4, hash: r4.hash, signature: r4.signature, publicKey: r4.publicKey }),
    );
    expect(await f.audit.verify()).toMatchObject({
      ok: false,
      reason: 'the audit head is not signed by this instance',
    });
    await writeFile(headFile, 'not json');
    expect(await f.audit.verify()).toMatchObject({ ok: false, reason: expect.stringMatching(/malformed/) });
  });

  it('reordered records', async () => {
    const f = await open();
    await appendN(f, 5);
    await f.storage.db.exec(
      'UPDATE audit_log SET seq = -1 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = -1;',
    );
    expect(await f.audit.verify()).toMatchObject({
      ok: false,
      firstBadSeq: 2,
      reason: 'record 2 was moved: the records were reordered (it was written as 3)',
    });
  });

  it('a record re-signed by a key that is not this instance’s', async () => {
    const f = await open();
    const records = await appendN(f, 3);
    const stranger = generateKeyPair();
    await f.storage.db.run('UPDATE audit_log SET signature = ?, public_key = ? WHERE seq = 2', [
      signBytes(stranger.privateKey, records[1]!.hash),
      stranger.publicKey,
    ]);
    expect(await f.audit.verify()).toMatchObject({
      ok: false,
      firstBadSeq: 2,
      reason: "record 2 is signed by a key that is not one of this instance's keys",
    });
  });

  it('a record appended by a foreign key, chained correctly', async () => {
    const f = await open();
    const records = await appendN(f, 3);
    const stranger = generateKeyPair();
    const body = nextRecordBody(entry(4, { outcome: 'allowed' }), records[2]!, Date.now());
    const hash = hashRecord(body);
    await f.storage.db.run(
      `INSERT INTO audit_log (seq, time, actor, kind, tool, args_digest, outcome, conversation_id, prev_hash, hash, signature, public_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        body.seq,
        body.time,
        body.actor,
        body.kind,
        body.tool,
        body.argsDigest,
        body.outcome,
        body.conversationId,
        body.prevHash,
        hash,
        signBytes(stranger.privateKey, hash),
        stranger.publicKey,
      ],
    );
    expect(await f.audit.verify()).toMatchObject({
      ok: false,
      firstBadSeq: 4,
      reason: expect.stringMatching(/not one of this instance's keys/),
    });
  });
});

describe('AuditLog: keys over time', () => {
  it('still verifies after a key rotation: older records keep their retired key', async () => {
    const f = await open();
    const before = await appendN(f, 3);
    await f.identity.rotate();
    const after = await appendN(f, 3);
    expect(after[0]!.publicKey).not.toBe(before[0]!.publicKey);
    expect(after[0]!.prevHash).toBe(before[2]!.hash);
    expect(await f.audit.verify()).toEqual({ ok: true, count: 6, firstBadSeq: null, reason: null });
  });

  it('does not trust a retired key once the rotation record that links it is gone', async () => {
    const f = await open();
    await appendN(f, 2);
    await f.identity.rotate();
    await appendN(f, 1);
    await f.storage.db.run('DELETE FROM identity_rotations');
    expect(await f.audit.verify()).toMatchObject({
      ok: false,
      firstBadSeq: 1,
      reason: expect.stringMatching(/not one of this instance's keys/),
    });
  });
});

describe('AuditLog: a long chain', () => {
  it('verifies a chain read in several batches (its speed: npm run bench:audit)', async () => {
    const f = await open();
    await appendN(f, 200);

    // The other 4,800 are written in bulk (same code that builds and signs them) to keep the test short.
    const key = publicKeyOf(f);
    let previous = await f.audit.head();
    const rows: (string | number | null)[][] = [];
    for (let i = 201; i <= 5_000; i++) {
      const body = nextRecordBody(entry(i), previous, Date.now());
      const hash = hashRecord(body);
      const signature = await f.identity.sign(hash);
      rows.push([
        body.seq,
        body.time,
        body.actor,
        body.kind,
        body.tool,
        body.argsDigest,
        body.outcome,
        body.conversationId,
        body.prevHash,
        hash,
        signature,
        key,
      ]);
      previous = { seq: body.seq, hash };
    }
    await f.storage.db.transaction(async () => {
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500);
        await f.storage.db.run(
          `INSERT INTO audit_log (seq, time, actor, kind, tool, args_digest, outcome, conversation_id, prev_hash, hash, signature, public_key)
           VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
          chunk.flat(),
        );
      }
    });
    await writeHeadFile(join(f.dataDir, AUDIT_HEAD_FILE), {
      ...previous,
      signature: await f.identity.sign(headPayload(previous.seq, previous.hash)),
      publicKey: key,
    });

    const result = await f.audit.verify();
    expect(result).toEqual({ ok: true, count: 5_000, firstBadSeq: null, reason: null });
  }, 60_000);
});
