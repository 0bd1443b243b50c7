/**
 * The Lab where the owner meets it, through the real core and router: a dry-run reply, "Try in
 * lab first" on a permission card, and a swarm simulated in one lab then applied. The model is
 * the fake OpenAI server; sandbox, overlay, keychain and audit log are real.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../../../fixtures/fake-openai.js';
import { swarmResponder } from '../../../fixtures/swarm-script.js';
import { startTestCore, type TestCore } from '../../../helpers/core.js';
import { defaultLabsRoot } from '../../../../src-main/core/kernel/lab/labs.js';
import { defaultWorkspaceRoot } from '../../../../src-main/core/kernel/kernel.js';
import type { Message } from '../../../../src-main/core/protocol/entities.js';
import type { PermissionRequest } from '../../../../src-main/core/protocol/kernel-entities.js';
import type { SwarmRun } from '../../../../src-main/core/protocol/swarm-entities.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const fake = new FakeOpenAI();
  await fake.start();
  const t: TestCore = await startTestCore({ flushIntervalMs: 20 });
  cleanups.push(
    () => fake.stop(),
    () => t.close(),
    () => rm(defaultLabsRoot(t.dataDir), { recursive: true, force: true }),
  );
  await t.call('providers.save', {
    kind: 'openai-compatible',
    name: 'Fake',
    baseUrl: fake.baseUrl,
    defaultModel: 'fake-small',
  });
  const conversation = await t.call('conversations.create', {});
  return { fake, t, conversation };
}

function finalOf(t: TestCore, messageId: string): Promise<Message> {
  return t
    .waitFor((f) => {
      if (f.event !== 'message.updated') return false;
      const { message } = f.payload as { message: Message };
      return message.id === messageId && message.status !== 'streaming';
    }, 30_000)
    .then((f) => (f.payload as { message: Message }).message);
}

/** The next permission card not in `seen` (which it joins). */
function nextRequest(t: TestCore, seen = new Set<string>()): Promise<PermissionRequest> {
  return t
    .waitFor(
      (f) =>
        f.event === 'permission.requested' &&
        !seen.has((f.payload as { request: PermissionRequest }).request.id),
      20_000,
    )
    .then((f) => {
      const { request } = f.payload as { request: PermissionRequest };
      seen.add(request.id);
      return request;
    });
}

describe('the lab in the core', () => {
  it('a dry-run reply runs every call in one lab: the card says so, nothing reaches the workspace, fetches are recorded', async () => {
    const { fake, t, conversation } = await setup();
    fake.script(
      {
        toolCalls: [
          { id: 'call_w', name: 'write_file', input: { path: 'plan.md', content: '# Plan\n' } },
          { id: 'call_f', name: 'fetch_url', input: { url: 'https://api.example.com/v1/data' } },
        ],
      },
      { tokens: ['Drafted.'] },
    );
    const sent = await t.call('chat.send', {
      conversationId: conversation.id,
      text: 'Draft a plan',
      clientMessageId: 'dry-1',
      dryRun: true,
    });
    expect(sent.labId).toMatch(/^lab-/);
    const seen = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const request = await nextRequest(t, seen);
      expect(request.lab).toBe(true);
      expect(request.labOffered).toBeUndefined();
      await t.call('permissions.respond', { requestId: request.id, decision: 'allow-once' });
    }
    expect((await finalOf(t, sent.assistantMessage.id)).content).toContain('Drafted.');
    const workspace = join(defaultWorkspaceRoot(t.dataDir), conversation.id);
    expect(existsSync(join(workspace, 'plan.md'))).toBe(false);
    const report = await t.call('labs.report', { id: sent.labId! });
    expect(report.lab).toMatchObject({ origin: 'reply', conversationId: conversation.id, state: 'open' });
    expect(report.changes).toEqual([expect.objectContaining({ path: 'plan.md', kind: 'created' })]);
    expect(report.networkSummary).toEqual(['would have contacted api.example.com:443 once (GET /v1/data)']);
    expect((await t.call('labs.list', { conversationId: conversation.id })).labs.map((l) => l.id)).toEqual([
      sent.labId,
    ]);
  });

  it('"Try in lab first" runs the call in a lab of its own instead of the workspace', async () => {
    const { fake, t, conversation } = await setup();
    fake.script(
      { toolCalls: [{ id: 'call_sh', name: 'shell', input: { command: 'echo tried > tried.txt' } }] },
      { tokens: ['Tried.'] },
    );
    const sent = await t.call('chat.send', {
      conversationId: conversation.id,
      text: 'Try it',
      clientMessageId: 'try-1',
    });
    const request = await nextRequest(t);
    expect(request.labOffered).toBe(true);
    expect(request.lab).toBeUndefined();
    await t.call('permissions.respond', { requestId: request.id, decision: 'try-in-lab' });
    await finalOf(t, sent.assistantMessage.id);
    expect(existsSync(join(request.workspace!, 'tried.txt'))).toBe(false);
    const [lab] = (await t.call('labs.list', { conversationId: conversation.id })).labs;
    expect(lab).toMatchObject({ origin: 'tool-call' });
    const report = await t.call('labs.report', { id: lab!.id });
    expect(report.changes.map((c) => c.path)).toEqual(['tried.txt']);
    expect(report.commands[0]!.toolCallId).toBe(request.toolCallId);
    const audit = await t.call('audit.list', { limit: 10 });
    expect(audit.records.some((r) => r.kind === 'tool.call' && /started in a lab/.test(r.outcome))).toBe(
      true,
    );
  });

  it('a swarm simulated in one lab, reviewed at the end, then applied as one audited act', async () => {
    const { fake, t, conversation } = await setup();
    fake.responder = swarmResponder({
      plan: [
        { id: 'writer', title: 'Write the note', tools: ['shell'] },
        { id: 'second', title: 'Write another', tools: ['shell'] },
      ],
      workers: {
        writer: {
          replies: [{ toolCalls: [{ name: 'shell', input: { command: 'echo swarm > note.txt' } }] }],
          afterTool: { tokens: ['Note written.'] },
        },
        second: {
          replies: [{ toolCalls: [{ name: 'shell', input: { command: 'echo two > second.txt' } }] }],
          afterTool: { tokens: ['Second written.'] },
        },
      },
      merge: 'Both notes are saved.',
    }).respond;
    const started = await t.call('swarm.start', {
      conversationId: conversation.id,
      task: 'Write two notes',
      clientMessageId: 'swarm-sim',
      simulate: true,
    });
    expect(started.labId).toMatch(/^lab-/);
    const seen = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const request = await nextRequest(t, seen);
      expect(request.lab).toBe(true);
      await t.call('permissions.respond', { requestId: request.id, decision: 'allow-once' });
    }
    const ended = await t.waitFor((f) => {
      if (f.event !== 'swarm.updated') return false;
      const { run } = f.payload as { run: SwarmRun };
      return run.id === started.run.id && ['done', 'failed', 'stopped'].includes(run.status);
    }, 30_000);
    expect((ended.payload as { run: SwarmRun }).run.status).toBe('done');
    const workspace = join(defaultWorkspaceRoot(t.dataDir), conversation.id);
    expect(existsSync(join(workspace, 'note.txt'))).toBe(false);
    expect(existsSync(join(workspace, 'second.txt'))).toBe(false);

    const report = await t.call('labs.report', { id: started.labId! });
    expect(report.lab.origin).toBe('swarm');
    expect(report.changes.map((c) => c.path)).toEqual(['note.txt', 'second.txt']);
    expect(report.commands).toHaveLength(2);
    const applied = await t.call('labs.apply', { id: started.labId! });
    expect(applied.applied).toEqual(['note.txt', 'second.txt']);
    expect(await readFile(join(workspace, 'note.txt'), 'utf8')).toBe('swarm\n');
    expect(await readFile(join(workspace, 'second.txt'), 'utf8')).toBe('two\n');
    const audit = await t.call('audit.list', { limit: 50 });
    const applies = audit.records.filter((r) => r.kind === 'lab.apply');
    expect(applies).toHaveLength(1);
    expect(applies[0]!.seq).toBe(applied.auditSeq);
    expect(await t.call('audit.verify')).toMatchObject({ ok: true });
  });
});
