import { describe, expect, it } from 'vitest';
import { signRotation } from '../../../../src-main/core/identity/key-rotation.js';
import {
  generateKeyPair,
  signBytes,
  type IdentityKeyPair,
} from '../../../../src-main/core/identity/signing.js';
import { headPayload, type AuditHead } from '../../../../src-main/core/kernel/audit/audit-head.js';
import { hashRecord, nextRecordBody } from '../../../../src-main/core/kernel/audit/audit-record.js';
import { trustedKeys } from '../../../../src-main/core/kernel/audit/trusted-keys.js';
import { verifyChain } from '../../../../src-main/core/kernel/audit/verify-chain.js';
import type { AuditRecord } from '../../../../src-main/core/protocol/kernel-entities.js';

// The pure checks, with keys made on the spot: no database, no keychain.

function chain(key: IdentityKeyPair, n: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  let previous: AuditRecord | null = null;
  for (let i = 1; i <= n; i++) {
    const body = nextRecordBody(
      { actor: 'kernel', kind: 'tool.result', outcome: `done ${i}` },
      previous,
      1000 + i,
    );
    const hash = hashRecord(body);
    previous = { ...body, hash, signature: signBytes(key.privateKey, hash), publicKey: key.publicKey };
    records.push(previous);
  }
  return records;
}

function headOf(key: IdentityKeyPair, record: { seq: number; hash: string }): AuditHead {
  return {
    seq: record.seq,
    hash: record.hash,
    signature: signBytes(key.privateKey, headPayload(record.seq, record.hash)),
    publicKey: key.publicKey,
  };
}

const key = generateKeyPair();

describe('verifyChain', () => {
  it('accepts an empty log with no head, and one whose head was never written', async () => {
    expect(await verifyChain([], [key.publicKey])).toEqual({
      ok: true,
      count: 0,
      firstBadSeq: null,
      reason: null,
    });
    expect((await verifyChain([], [key.publicKey], null)).ok).toBe(true);
  });

  it('accepts a head one behind the log (a crash between commit and head write), if it names the same record', async () => {
    const records = chain(key, 3);
    expect((await verifyChain(records, [key.publicKey], headOf(key, records[1]!))).ok).toBe(true);
    const replaced = { seq: 2, hash: 'f'.repeat(64) };
    expect(await verifyChain(records, [key.publicKey], headOf(key, replaced))).toMatchObject({
      ok: false,
      firstBadSeq: 2,
      reason: 'record 2 does not match the signed head: it was replaced',
    });
  });

  it('rejects a head signed by a key it does not know', async () => {
    const records = chain(key, 2);
    const stranger = generateKeyPair();
    expect(await verifyChain(records, [key.publicKey], headOf(stranger, records[1]!))).toMatchObject({
      ok: false,
      reason: 'the audit head is not signed by this instance',
    });
  });

  it('reports a first record that does not start the chain, and records given out of order', async () => {
    const [a, b] = chain(key, 2);
    const spliced = { ...b!, seq: 1 };
    expect(await verifyChain([a!, a!], [key.publicKey])).toMatchObject({
      firstBadSeq: 1,
      reason: 'record 1 is out of order',
    });
    const stranger = chain(generateKeyPair(), 2);
    expect(await verifyChain([stranger[1]!], [key.publicKey])).toMatchObject({
      reason: 'record 1 is missing',
    });
    expect((await verifyChain([spliced], [key.publicKey])).ok).toBe(false);
    const rootless = { ...nextRecordBody({ actor: 'x', kind: 'agent.stop', outcome: 'o' }, b!, 5), seq: 1 };
    const hash = hashRecord(rootless);
    const fake: AuditRecord = {
      ...rootless,
      hash,
      signature: signBytes(key.privateKey, hash),
      publicKey: key.publicKey,
    };
    expect(await verifyChain([fake], [key.publicKey])).toMatchObject({
      reason: 'record 1 does not start the chain',
    });
  });

  it('treats a malformed signature or key as a failed check, never a crash', async () => {
    const [a, b] = chain(key, 2);
    expect(await verifyChain([a!, { ...b!, signature: '!!' }], [key.publicKey])).toMatchObject({
      firstBadSeq: 2,
      reason: 'record 2 has a signature that does not verify',
    });
    expect(await verifyChain([{ ...a!, publicKey: 'nope' }], ['nope'])).toMatchObject({ firstBadSeq: 1 });
    expect(await verifyChain(chain(key, 1), [key.publicKey], { seq: 'one' })).toMatchObject({
      reason: expect.stringMatching(/malformed/),
    });
  });

  it('walks an async stream in batches, reports the first failure across them, and counts every record', async () => {
    const records = chain(key, 2600);
    records[2400] = { ...records[2400]!, outcome: 'edited' };
    records[2500] = { ...records[2500]!, outcome: 'edited too' };
    async function* stream() {
      yield* records;
    }
    expect(await verifyChain(stream(), [key.publicKey])).toEqual({
      ok: false,
      count: 2600,
      firstBadSeq: 2401,
      reason: 'record 2401 was altered: its contents do not match its hash',
    });
  });

  it('prefers the earlier failure when a bad signature precedes a structural break in the same batch', async () => {
    const records = chain(key, 5);
    records[1] = { ...records[1]!, signature: records[0]!.signature };
    records.splice(3, 1);
    expect(await verifyChain(records, [key.publicKey])).toMatchObject({ firstBadSeq: 2 });
  });
});

describe('trustedKeys', () => {
  it('trusts the current key, and a retired one only through a rotation record both keys signed', () => {
    const next = generateKeyPair();
    const rotation = signRotation(key, next, 5);
    const rows = [
      { publicKey: key.publicKey, retiredAt: 5 },
      { publicKey: next.publicKey, retiredAt: null },
    ];
    expect(trustedKeys(rows, [rotation])).toEqual({
      ok: true,
      keys: [key.publicKey, next.publicKey],
      current: next.publicKey,
    });
    expect(trustedKeys(rows, [])).toEqual({ ok: true, keys: [next.publicKey], current: next.publicKey });
    expect(trustedKeys(rows, [{ ...rotation, rotatedAt: 6 }])).toMatchObject({ ok: false });
    expect(trustedKeys([], [])).toEqual({ ok: true, keys: [], current: null });
  });
});
