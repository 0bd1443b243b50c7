/** Identity and the audit log: the key is where it should be and everything it signed verifies. */
import { randomBytes } from 'node:crypto';
import { issueCard, verifyCard } from '../identity/identity-card.js';
import { verifyRotationChain } from '../identity/key-rotation.js';
import { importPrivateKey, publicKeyOf, signBytes, verifySignature } from '../identity/signing.js';
import { auditHeadSchema, headFileIn, headPayload, readHeadFile } from '../kernel/audit/audit-head.js';
import { countRecords, readTrustedKeys, verifyStoredLog } from '../kernel/audit/stored-log.js';
import type { KeyRotation } from '../protocol/entities.js';
import { fail, pass, skip, warn, type Checkpoint, type Outcome, type ProbeEnv } from './checkpoint.js';
import { dataFiles, findSecrets, hasTable } from './data-files.js';

interface CurrentKey {
  publicKey: string;
  account: string;
  createdAt: number;
  /** The private half from the keychain, or why there is none. */
  secret: string | null;
  error: string | null;
}

function currentKey(env: ProbeEnv): Promise<CurrentKey | Outcome> {
  return env.once('identity-current', async (): Promise<CurrentKey | Outcome> => {
    if (!env.db || !(await hasTable(env, 'identity_keys'))) return skip('no database yet: start Cell 0 once');
    const [row] = await env.db.all<{ public_key: string; keychain_account: string; created_at: number }>(
      'SELECT public_key, keychain_account, created_at FROM identity_keys WHERE retired_at IS NULL',
    );
    if (!row)
      return warn(
        'this instance has no identity key yet: start Cell 0 once',
        'Start Cell 0 once with the keychain unlocked',
      );
    let secret: string | null = null;
    let error: string | null = null;
    try {
      secret = await env.keychain.getExpected(row.keychain_account);
    } catch (err) {
      error = (err as Error).message;
    }
    return {
      publicKey: row.public_key,
      account: row.keychain_account,
      createdAt: row.created_at,
      secret,
      error,
    };
  });
}

/** The current key with its private half, or the outcome that stops a probe needing it. */
async function loadedKey(env: ProbeEnv): Promise<(CurrentKey & { secret: string }) | Outcome> {
  const key = await currentKey(env);
  if ('status' in key) return key;
  if (key.error) return warn(`the keychain is unavailable: ${key.error}`);
  if (key.secret === null) return skip('the private key is missing (see identity.key-in-keychain)');
  return key as CurrentKey & { secret: string };
}

const IDENTITY_FIX =
  'Open Settings → This instance and rotate the key; if that fails, report it to the Cell 0 developers';

export const identityCheckpoints: Checkpoint[] = [
  {
    id: 'identity.key-in-keychain',
    group: 'identity',
    title: 'The private key is in the keychain',
    why: 'Everything this instance signs (audit records, rules, mesh messages) needs its private key',
    fix: 'Unlock the keychain; if the key is gone, rotate it in Settings → This instance',
    setting: 'instance',
    async probe(env) {
      const key = await currentKey(env);
      if ('status' in key) return key;
      if (key.error) return warn(`the keychain is unavailable: ${key.error}`);
      return key.secret
        ? pass(`found under ${key.account}`)
        : fail(`the keychain has nothing under ${key.account}`);
    },
  },
  {
    id: 'identity.key-matches',
    group: 'identity',
    title: 'The keychain key is the one on record',
    why: 'A private key that does not match the public key on record signs things nobody can check',
    fix: IDENTITY_FIX,
    setting: 'instance',
    async probe(env) {
      const key = await loadedKey(env);
      if ('status' in key) return key;
      try {
        const derived = publicKeyOf(importPrivateKey(key.secret));
        return derived === key.publicKey
          ? pass('the private key belongs to the current public key')
          : fail('the private key in the keychain belongs to another public key');
      } catch (err) {
        return fail(`the private key is unreadable: ${(err as Error).message}`);
      }
    },
  },
  {
    id: 'identity.key-only-in-keychain',
    group: 'identity',
    title: 'The private key is nowhere else',
    why: 'A copy of the private key in a file lets anyone who reads it act as this instance',
    fix: 'Remove the file that holds it, then rotate the key in Settings → This instance',
    setting: 'instance',
    async probe(env) {
      const key = await loadedKey(env);
      if ('status' in key) return key;
      const hits = await findSecrets(await dataFiles(env), [{ label: 'the private key', value: key.secret }]);
      return hits.length === 0
        ? pass('not in any file of the data directory')
        : fail(`found in ${hits.map(([f]) => f).join(', ')}`);
    },
  },
  {
    id: 'identity.signature',
    group: 'identity',
    title: 'Signatures verify, and a changed message does not',
    why: 'Signing and checking must agree, or the audit log and rules prove nothing',
    fix: IDENTITY_FIX,
    setting: 'instance',
    async probe(env) {
      const key = await loadedKey(env);
      if ('status' in key) return key;
      const data = randomBytes(64);
      const signature = signBytes(importPrivateKey(key.secret), data);
      const changed = Buffer.from(data);
      changed[0] = changed[0]! ^ 1;
      if (!verifySignature(key.publicKey, data, signature)) return fail('a fresh signature does not verify');
      if (verifySignature(key.publicKey, changed, signature))
        return fail('a signature verifies for a changed message');
      return pass('signed 64 random bytes; verified, and refused once one bit changed');
    },
  },
  {
    id: 'identity.card',
    group: 'identity',
    title: 'The identity card verifies',
    why: 'The card is how other instances and people check this one; it must verify and resist edits',
    fix: IDENTITY_FIX,
    setting: 'instance',
    async probe(env) {
      const key = await loadedKey(env);
      if ('status' in key) return key;
      const card = issueCard({
        publicKey: key.publicKey,
        privateKey: importPrivateKey(key.secret),
        createdAt: key.createdAt,
      });
      if (!verifyCard(card)) return fail('a freshly issued card does not verify');
      if (verifyCard({ ...card, name: `${card.name} (edited)` }))
        return fail('an edited card still verifies');
      return pass('issued, verified, and refused once edited');
    },
  },
  {
    id: 'identity.rotation-chain',
    group: 'identity',
    title: 'The key rotation chain verifies',
    why: 'Each new key is vouched for by the old one; a broken chain means a key nobody vouched for',
    fix: 'The rotation records were changed: restore the data directory from a backup, or report it',
    setting: 'instance',
    async probe(env) {
      if (!env.db || !(await hasTable(env, 'identity_rotations'))) return skip('no database yet');
      const rows = await env.db.all<{ record: string }>('SELECT record FROM identity_rotations ORDER BY seq');
      if (rows.length === 0) return pass('no rotation yet');
      let records: KeyRotation[];
      try {
        records = rows.map((r) => JSON.parse(r.record) as KeyRotation);
      } catch {
        return fail('a rotation record is not readable');
      }
      if (!verifyRotationChain(records))
        return fail(`the chain of ${records.length} rotations does not verify`);
      const [current] = await env.db.all<{ public_key: string }>(
        'SELECT public_key FROM identity_keys WHERE retired_at IS NULL',
      );
      if (current && records[records.length - 1]!.nextPublicKey !== current.public_key)
        return fail('the chain does not end at the current key');
      return pass(`${records.length} rotations, each signed by both keys, ending at the current key`);
    },
  },
];

export const auditCheckpoints: Checkpoint[] = [
  {
    id: 'audit.chain',
    group: 'audit',
    title: 'The audit log chain verifies',
    why: 'Each record is hashed into the next and signed; an edit anywhere must show',
    fix: 'The audit log was changed outside Cell 0: keep a copy of the data directory as evidence and find out what changed it (`cell0 audit verify`)',
    async probe(env) {
      if (!env.db || !(await hasTable(env, 'audit_log'))) return skip('no database yet');
      const result = await verifyStoredLog(env.db, headFileIn(env.dataDir));
      return result.ok
        ? pass(`${result.count} records: hashes, links and signatures verify`)
        : fail(
            `broken${result.firstBadSeq === null ? '' : ` at record ${result.firstBadSeq}`}: ${result.reason}`,
          );
    },
  },
  {
    id: 'audit.head',
    group: 'audit',
    title: 'The signed head matches the last record',
    why: 'Only the signed head beside the database shows that records were cut off the end',
    fix: 'The head file or the last records were removed or edited: keep a copy as evidence (`cell0 audit verify`)',
    async probe(env) {
      if (!env.db || !(await hasTable(env, 'audit_log'))) return skip('no database yet');
      const count = await countRecords(env.db);
      const raw = await readHeadFile(headFileIn(env.dataDir));
      if (raw === null)
        return count === 0 ? pass('no records, no head') : fail(`${count} records but no head file`);
      const head = auditHeadSchema.safeParse(raw);
      if (!head.success) return fail('the head file is not a head');
      const keys = await readTrustedKeys(env.db);
      if (!keys.ok) return fail(keys.reason);
      if (!keys.keys.includes(head.data.publicKey))
        return fail('the head is signed by a key this instance does not trust');
      if (
        !verifySignature(head.data.publicKey, headPayload(head.data.seq, head.data.hash), head.data.signature)
      )
        return fail('the head signature does not verify');
      const [last] = await env.db.all<{ seq: number; hash: string }>(
        'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
      );
      if (!last || last.seq < head.data.seq)
        return fail(`the head names record ${head.data.seq}, the log ends at ${last?.seq ?? 0}`);
      const [named] = await env.db.all<{ hash: string }>('SELECT hash FROM audit_log WHERE seq = ?', [
        head.data.seq,
      ]);
      if (named?.hash !== head.data.hash)
        return fail(`record ${head.data.seq} is not the one the head signed`);
      return pass(`head at record ${head.data.seq} of ${last.seq}, signed`);
    },
  },
  {
    id: 'audit.trusted-keys',
    group: 'audit',
    title: 'Audit signatures come from keys this instance trusts',
    why: 'A key added to the table by hand must not make records count as this instance’s',
    fix: 'The identity tables were changed outside Cell 0: restore the data directory from a backup',
    async probe(env) {
      if (!env.db || !(await hasTable(env, 'identity_keys'))) return skip('no database yet');
      const keys = await readTrustedKeys(env.db);
      if (!keys.ok) return fail(keys.reason);
      const [stored] = await env.db.all<{ n: number }>('SELECT COUNT(*) AS n FROM identity_keys');
      const untrusted = (stored?.n ?? 0) - keys.keys.length;
      return untrusted > 0
        ? fail(`${untrusted} key(s) on record that no signed rotation links to`)
        : pass(`${keys.keys.length} trusted key(s), every one linked by the rotation chain`);
    },
  },
];
