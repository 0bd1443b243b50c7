import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventFrame } from '../../src-main/core/protocol/frames.js';
import type { PermissionRequest } from '../../src-main/core/protocol/kernel-entities.js';
import { FakeOpenAI } from '../fixtures/fake-openai.js';
import { swarmResponder } from '../fixtures/swarm-script.js';
import { app, createdTrays, type Tray } from '../mocks/electron.js';
import { bootApp, cleanUp, navigationsOf } from './desktop-app.js';

vi.mock('electron', () => import('../mocks/electron.js'));
vi.mock('../../src-main/core/app.js', async (importOriginal) =>
  (await import('./desktop-app.js')).recordCore(await importOriginal()),
);

const fakes: FakeOpenAI[] = [];
afterEach(async () => {
  await cleanUp();
  for (const fake of fakes.splice(0)) await fake.stop();
});

function theTray(): Tray {
  const trays = createdTrays();
  expect(trays).toHaveLength(1);
  return trays[0]!;
}

function menuOf(tray: Tray) {
  expect(tray.contextMenu).not.toBeNull();
  return tray.contextMenu!;
}

async function expectTrayState(tray: Tray, icon: string, tooltip: RegExp): Promise<void> {
  await vi.waitFor(
    () => {
      expect(basename(tray.image)).toBe(icon);
      expect(tray.toolTip).toMatch(tooltip);
    },
    { timeout: 10_000 },
  );
  expect(existsSync(tray.image), tray.image).toBe(true);
}

describe('the tray', () => {
  it('follows idle → working → needs permission → paused, and answers a request from its menu', async () => {
    const fake = new FakeOpenAI();
    fakes.push(fake);
    await fake.start();
    const { main, core, client } = await bootApp();
    const tray = theTray();
    await expectTrayState(tray, 'tray-idle.png', /idle/);
    expect(menuOf(tray).items.map((item) => item.label)).toEqual([
      'Open Cell 0',
      'New chat',
      'Quick prompt…',
      '',
      'Pause all agents',
      '',
      'Quit Cell 0',
    ]);

    await client.call('providers.save', {
      kind: 'openai-compatible',
      name: 'Fake',
      baseUrl: fake.baseUrl,
      defaultModel: 'fake-small',
    });
    const conversation = await client.call('conversations.create', {});
    // Slow tokens first, so the reply is seen working before its shell call asks.
    fake.script(
      {
        tokens: ['Let me look', '.'],
        delayMs: 400,
        toolCalls: [{ id: 'c1', name: 'shell', input: { command: 'ls' } }],
      },
      { tokens: ['Done.'] },
    );
    const frames: EventFrame[] = [];
    core.bus.subscribe((frame) => frames.push(frame));
    await client.call('chat.send', {
      conversationId: conversation.id,
      text: 'What is here?',
      clientMessageId: 'a',
    });

    await expectTrayState(tray, 'tray-working.png', /working \(1 reply\)/);
    await expectTrayState(tray, 'tray-needs-permission.png', /needs your permission \(1 request\)/);
    const request = (
      frames.find((frame) => frame.event === 'permission.requested')!.payload as {
        request: PermissionRequest;
      }
    ).request;
    await vi.waitFor(() => expect(menuOf(tray).find('Waiting for you (1)')).not.toBeNull());
    const item = menuOf(tray).find('shell: ls');
    expect(item?.submenu?.items.map((entry) => entry.label)).toEqual([
      'Allow once',
      'Deny',
      '',
      'Show in conversation',
    ]);

    // "Show in conversation" brings the window, hidden in the tray, to the permission card.
    main.hide();
    menuOf(tray).find('shell: ls', 'Show in conversation')!.click();
    expect(main.isVisible()).toBe(true);
    expect(main.isFocused()).toBe(true);
    expect(navigationsOf(main.webContents)).toEqual([
      { conversationId: conversation.id, messageId: request.messageId, permissionRequestId: request.id },
    ]);

    menuOf(tray).find('shell: ls', 'Allow once')!.click();
    await vi.waitFor(() =>
      expect(frames.map((frame) => frame.payload)).toContainEqual({
        requestId: request.id,
        decision: 'allow-once',
      }),
    );
    expect((await client.call('permissions.pending')).requests).toEqual([]);
    await vi.waitFor(() => expect(menuOf(tray).find('Waiting for you (1)')).toBeNull());

    // The allowed call runs (or fails to, without a sandbox); either way the reply ends.
    await vi.waitFor(
      () =>
        expect(
          frames.some(
            (frame) =>
              frame.event === 'message.updated' &&
              (frame.payload as { message: { role: string; status: string } }).message.status !== 'streaming',
          ),
        ).toBe(true),
      { timeout: 15_000 },
    );
    await expectTrayState(tray, 'tray-idle.png', /idle/);

    menuOf(tray).find('Pause all agents')!.click();
    await expectTrayState(tray, 'tray-paused.png', /paused/);
    expect((await client.call('agents.status')).paused).toBe(true);
    expect(menuOf(tray).find('Pause all agents')).toBeNull();
    menuOf(tray).find('Resume all agents')!.click();
    await expectTrayState(tray, 'tray-idle.png', /idle/);
    expect((await client.call('agents.status')).paused).toBe(false);
  });

  it("an agent's swarm proposal waits in the tray; Start swarm there starts it", async () => {
    const fake = new FakeOpenAI();
    fakes.push(fake);
    await fake.start();
    const { core, client } = await bootApp();
    const tray = theTray();
    await client.call('providers.save', {
      kind: 'openai-compatible',
      name: 'Fake',
      baseUrl: fake.baseUrl,
      defaultModel: 'fake-small',
    });
    const swarm = swarmResponder({
      plan: [{ id: 'w', title: 'W' }],
      workers: { w: { replies: [{ tokens: ['Found it.'] }] } },
      merge: 'The swarm found it.',
    });
    let chatCalls = 0;
    fake.responder = (body) =>
      swarm.respond(body) ??
      (chatCalls++ === 0
        ? { toolCalls: [{ name: 'propose_swarm', input: { task: 'Search every folder' } }] }
        : { tokens: ['Thanks to the swarm.'] });
    const frames: EventFrame[] = [];
    core.bus.subscribe((frame) => frames.push(frame));
    const conversation = await client.call('conversations.create', {});
    await client.call('chat.send', {
      conversationId: conversation.id,
      text: 'Find it',
      clientMessageId: 'p',
    });

    await expectTrayState(tray, 'tray-needs-permission.png', /needs your permission \(1 request\)/);
    await vi.waitFor(() => expect(menuOf(tray).find('swarm: Search every folder')).not.toBeNull());
    menuOf(tray).find('swarm: Search every folder', 'Start swarm')!.click();
    await vi.waitFor(
      () =>
        expect(
          frames.some(
            (frame) =>
              frame.event === 'message.updated' &&
              (frame.payload as { message: { content: string } }).message.content === 'Thanks to the swarm.',
          ),
        ).toBe(true),
      { timeout: 15_000 },
    );
    expect((await client.call('swarm.list', {})).runs.map((r) => r.status)).toEqual(['done']);
    await vi.waitFor(() => expect(menuOf(tray).find('swarm: Search every folder')).toBeNull());
  });

  it('"New chat" creates a conversation, shows the window and navigates there', async () => {
    const { main, client } = await bootApp();
    main.hide();
    theTray().contextMenu!.find('New chat')!.click();
    await vi.waitFor(() => expect(navigationsOf(main.webContents)).toHaveLength(1));
    const { conversations } = await client.call('conversations.list');
    expect(conversations).toHaveLength(1);
    expect(navigationsOf(main.webContents)[0]).toEqual({
      conversationId: conversations[0]!.id,
      messageId: null,
      permissionRequestId: null,
    });
    expect(main.isVisible()).toBe(true);
    expect(main.isFocused()).toBe(true);
  });

  it('"New chat" opens an empty new chat again instead of making another, as the window does', async () => {
    const { main, client } = await bootApp();
    const tray = theTray();
    tray.contextMenu!.find('New chat')!.click();
    await vi.waitFor(() => expect(navigationsOf(main.webContents)).toHaveLength(1));
    tray.contextMenu!.find('New chat')!.click();
    await vi.waitFor(() => expect(navigationsOf(main.webContents)).toHaveLength(2));
    const first = (await client.call('conversations.list')).conversations;
    expect(first).toHaveLength(1);
    const target = (i: number) =>
      (navigationsOf(main.webContents)[i] as { conversationId: string }).conversationId;
    expect([target(0), target(1)]).toEqual([first[0]!.id, first[0]!.id]);

    // Once it is not a new chat any more (here renamed), "New chat" makes one.
    await client.call('conversations.rename', { id: first[0]!.id, title: 'Taxes' });
    tray.contextMenu!.find('New chat')!.click();
    await vi.waitFor(() => expect(navigationsOf(main.webContents)).toHaveLength(3));
    const second = (await client.call('conversations.list')).conversations;
    expect(second.map((c) => c.title)).toEqual(['New chat', 'Taxes']);
    expect(target(2)).toBe(second[0]!.id);
  });

  it('"Open Cell 0" and a click on the icon bring the window back; "Quit Cell 0" really quits', async () => {
    const { main } = await bootApp();
    const tray = theTray();
    expect(main.close()).toBe(false);
    expect(main.isVisible()).toBe(false);
    tray.contextMenu!.find('Open Cell 0')!.click();
    expect(main.isVisible()).toBe(true);
    main.hide();
    tray.clickByUser();
    expect(main.isVisible()).toBe(true);

    tray.contextMenu!.find('Quit Cell 0')!.click();
    await vi.waitFor(() => expect(app.hasQuit()).toBe(true));
    expect(main.isDestroyed()).toBe(true);
    expect(tray.isDestroyed()).toBe(true);
  });
});
