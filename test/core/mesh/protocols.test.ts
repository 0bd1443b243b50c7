import { languageModel } from '../../../src-main/core/agents/provider-sdks.js';
import { generateKeyPairSync } from 'node:crypto';
import { streamPair } from '@libp2p/utils';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src-main/core/base/event-bus.js';
import { silentLogger } from '../../../src-main/core/base/logger.js';
import type { AuditEntry } from '../../../src-main/core/kernel/audit/audit-log.js';
import { Capabilities } from '../../../src-main/core/mesh/capabilities.js';
import { seal, type Signer } from '../../../src-main/core/mesh/envelope.js';
import { Gatekeeper } from '../../../src-main/core/mesh/gatekeeper.js';
import { Pairings, typedPresence } from '../../../src-main/core/mesh/pairing.js';
import { WorkHost } from '../../../src-main/core/mesh/work-host.js';
import { Channel } from '../../../src-main/core/mesh/wire.js';
import type { MeshPeerState } from '../../../src-main/core/protocol/mesh-entities.js';
import { signBytes } from '../../../src-main/core/identity/signing.js';
import { FakeOpenAI } from '../../fixtures/fake-openai.js';

function signer(): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x!;
  return { publicKey: x, sign: (data) => signBytes(privateKey, data) };
}

/** The audit log's contract: records appended, and a way to wait for one. */
function auditSpy() {
  const records: AuditEntry[] = [];
  const waiters: { match: (r: AuditEntry) => boolean; resolve: (r: AuditEntry) => void }[] = [];
  return {
    records,
    append: async (entry: AuditEntry) => {
      records.push(entry);
      for (const w of waiters.splice(0))
        if (w.match(entry)) w.resolve(entry);
        else waiters.push(w);
      return {} as never;
    },
    next: (match: (r: AuditEntry) => boolean) =>
      new Promise<AuditEntry>((resolve) => {
        const seen = records.find(match);
        if (seen) resolve(seen);
        else waiters.push({ match, resolve });
      }),
  };
}

async function channels(): Promise<[Channel, Channel]> {
  const [outbound, inbound] = await streamPair();
  return [new Channel(outbound), new Channel(inbound)];
}

describe('mesh protocols over stream pairs', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  function hostWith(me: Signer, states: Record<string, MeshPeerState>, resolveUrl = 'http://127.0.0.1:9/v1') {
    const audit = auditSpy();
    const responded: string[] = [];
    const gatekeeper = new Gatekeeper({
      directory: { state: (key) => states[key] ?? null },
      audit,
      logger: silentLogger,
      me: () => me.publicKey,
    });
    const conversations = {
      create: async () => ({ id: 'conv' }),
      appendExchange: async () => ({ userMessage: { id: 'u' }, assistantMessage: { id: 'msg' } }),
      get: async () => ({ id: 'conv' }),
      updateReply: async () => undefined,
      message: async () => ({ id: 'msg' }),
    };
    const host = new WorkHost({
      signer: () => me,
      gatekeeper,
      directory: { get: () => null },
      audit,
      bus: new EventBus(),
      logger: silentLogger,
      settings: () => ({
        enabled: true,
        allowRemoteWork: true,
        port: 0,
        mdns: false,
        name: 'desktop',
        maxRemoteWorkers: 2,
      }),
      resolve: async (model) => ({
        provider: {
          id: 'p',
          kind: 'openai-compatible',
          name: 'Fake',
          baseUrl: resolveUrl,
          defaultModel: model,
          keyStored: false,
        },
        endpoint: { kind: 'openai-compatible', baseUrl: resolveUrl, apiKey: null },
        model,
        local: false,
        languageModel: () =>
          languageModel({ kind: 'openai-compatible', baseUrl: resolveUrl, apiKey: null }, model),
        toolsOff: null,
      }),
      conversations: conversations as never,
      permissions: { respond: async (id: string) => void responded.push(id) },
    });
    return { host, audit, responded };
  }

  const start = (jobId: string) => ({
    jobId,
    runId: 'run',
    agentId: 'agent',
    attempt: 1,
    title: 'Part',
    task: 'Task',
    system: 'You are a worker agent in a swarm. Subtask id: s1.',
    prompt: 'Do it.',
    model: 'fake-small',
    tools: [],
    steps: 4,
  });

  it("refuses a stranger's remote work and audits it; nothing runs", async () => {
    const desktop = signer();
    const stranger = signer();
    const { host, audit } = hostWith(desktop, {});
    const [theirs, ours] = await channels();
    const handled = host.handle(ours, stranger.publicKey).catch((err: Error) => err);
    await theirs.send(seal(stranger, desktop.publicKey, 'work.start', start('j1')));
    const error = await handled;
    expect(error).toMatchObject({ code: 'REMOTE_REFUSED' });
    const record = await audit.next((r) => r.kind === 'mesh.refused');
    expect(record.outcome).toContain('it is not paired');
    expect(host.running()).toBe(0);
  });

  it('refuses a revoked key, and a message signed by another key than the connection proved', async () => {
    const desktop = signer();
    const laptop = signer();
    const impostor = signer();
    const { host, audit } = hostWith(desktop, {
      [laptop.publicKey]: 'revoked',
      [impostor.publicKey]: 'paired',
    });
    const [a1, b1] = await channels();
    const first = host.handle(b1, laptop.publicKey).catch((err: Error) => err);
    await a1.send(seal(laptop, desktop.publicKey, 'work.start', start('j2')));
    expect(await first).toMatchObject({ code: 'REMOTE_REFUSED' });
    expect((await audit.next((r) => r.outcome.includes('revoked'))).kind).toBe('mesh.refused');

    const [a2, b2] = await channels();
    // Signed by a paired key, but arriving on a connection the laptop's key opened.
    const second = host.handle(b2, laptop.publicKey).catch((err: Error) => err);
    await a2.send(seal(impostor, desktop.publicKey, 'work.start', start('j3')));
    expect(await second).toMatchObject({ code: 'REMOTE_REFUSED' });
    expect((await audit.next((r) => r.outcome.includes('another key'))).kind).toBe('mesh.refused');
  });

  it('lets no peer answer a permission request its job did not raise, nor grant wider than the turn', async () => {
    const fake = new FakeOpenAI();
    await fake.start();
    cleanups.push(() => fake.stop());
    // The worker's model is slow, so the job is still running while the answers arrive.
    fake.responder = () => ({ tokens: ['a ', 'b ', 'c ', 'd'], delayMs: 300 });
    const desktop = signer();
    const laptop = signer();
    const { host, audit, responded } = hostWith(desktop, { [laptop.publicKey]: 'paired' }, fake.baseUrl);
    const [theirs, ours] = await channels();
    const handled = host.handle(ours, laptop.publicKey);
    await theirs.send(seal(laptop, desktop.publicKey, 'work.start', start('j4')));
    const accepted = (await theirs.receive()) as { type: string };
    expect(accepted.type).toBe('work.accepted');
    await theirs.send(
      seal(laptop, desktop.publicKey, 'work.answer', { requestId: 'someone-elses', decision: 'allow-once' }),
    );
    expect((await audit.next((r) => r.outcome.includes('did not raise'))).kind).toBe('mesh.refused');
    await theirs.send(
      seal(laptop, desktop.publicKey, 'work.answer', { requestId: 'x', decision: 'allow-always' }),
    );
    expect((await audit.next((r) => r.outcome.includes('wider'))).kind).toBe('mesh.refused');
    await theirs.send(seal(laptop, desktop.publicKey, 'work.stop', null));
    await handled;
    expect(responded).toEqual([]);
  });

  it('pairs two instances with the same code on both sides; a broken commitment fails the pairing', async () => {
    const a = signer();
    const b = signer();
    const busB = new EventBus();
    const deps = (me: Signer) => ({
      signer: () => me,
      name: () => (me === a ? 'laptop' : 'desktop'),
      directory: { pin: async () => ({}) as never, setName: () => undefined },
      audit: auditSpy(),
      bus: me === b ? busB : new EventBus(),
      logger: silentLogger,
      presence: typedPresence,
      ttlMs: 60_000,
      paired: () => undefined,
    });
    const pa = new Pairings(deps(a));
    const pb = new Pairings(deps(b));
    const [ca, cb] = await channels();
    const shownOnB = new Promise<string>((resolve) =>
      busB.subscribe(
        (f) =>
          f.event === 'mesh.pairing' && resolve((f.payload as { pairing: { code: string } }).pairing.code),
      ),
    );
    void pb.handle(cb, a.publicKey);
    const pairing = await pa.initiate(ca, b.publicKey);
    expect(await shownOnB).toBe(pairing.code);
    pa.closeAll();

    // An initiator that reveals another nonce than it committed to.
    const [ca2, cb2] = await channels();
    const refused = pb.handle(cb2, a.publicKey).catch((err: Error) => err);
    await ca2.send(seal(a, b.publicKey, 'pair.begin', { name: 'laptop', commit: 'not-the-hash' }));
    await ca2.receive();
    await ca2.send(seal(a, b.publicKey, 'pair.reveal', { nonce: 'anything' }));
    expect(await refused).toMatchObject({ code: 'PAIRING_FAILED' });
  });

  it('refuses capabilities from a key that is not paired, and stores those of a paired one', async () => {
    const me = signer();
    const peer = signer();
    const states: Record<string, MeshPeerState> = {};
    const stored: unknown[] = [];
    const audit = auditSpy();
    const gatekeeper = new Gatekeeper({
      directory: { state: (k) => states[k] ?? null },
      audit,
      logger: silentLogger,
      me: () => me.publicKey,
    });
    const caps = new Capabilities({
      signer: () => me,
      gatekeeper,
      directory: {
        state: (k) => states[k] ?? null,
        setCapabilities: async (_k, c) => void stored.push(c),
        rotate: async () => null,
      },
      own: async () => ({
        name: 'me',
        providers: [],
        tools: [],
        allowRemoteWork: false,
        load: { activeAgents: 0, remoteWorkers: 0, maxRemoteWorkers: 0 },
        issuedAt: 1,
      }),
      rotations: async () => [],
      rotated: () => undefined,
    });
    const theirs = {
      name: 'peer',
      providers: [],
      tools: ['shell'],
      allowRemoteWork: true,
      load: { activeAgents: 1, remoteWorkers: 0, maxRemoteWorkers: 2 },
      issuedAt: 2,
    };
    const [c1, s1] = await channels();
    const refused = caps.handle(s1, peer.publicKey).catch((err: Error) => err);
    await c1.send(seal(peer, me.publicKey, 'caps', { capabilities: theirs, rotations: [] }));
    expect(await refused).toMatchObject({ code: 'REMOTE_REFUSED' });
    expect(stored).toEqual([]);
    expect((await audit.next((r) => r.kind === 'mesh.refused')).outcome).toContain('not paired');

    states[peer.publicKey] = 'paired';
    const [c2, s2] = await channels();
    const accepted = caps.handle(s2, peer.publicKey);
    await c2.send(seal(peer, me.publicKey, 'caps', { capabilities: theirs, rotations: [] }));
    await accepted;
    expect(stored).toEqual([theirs]);
    expect((await c2.receive()) as { type: string; from: string }).toMatchObject({
      type: 'caps',
      from: me.publicKey,
    });
  });
});
