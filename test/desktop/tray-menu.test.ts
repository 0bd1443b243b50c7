import { describe, expect, it, vi, type Mock } from 'vitest';
import type { AgentsStatus } from '../../src-main/core/protocol/entities.js';
import type { PermissionRequest } from '../../src-main/core/protocol/kernel-entities.js';
import {
  MAX_LISTED_REQUESTS,
  requestLabel,
  trayMenuTemplate,
  type TrayActions,
} from '../../src-main/desktop/tray-menu.js';
import { trayState, trayTooltip } from '../../src-main/desktop/tray-state.js';
import { trayIconPath } from '../../src-main/desktop/tray-icons.js';

const status = (overrides: Partial<AgentsStatus> = {}): AgentsStatus => ({
  paused: false,
  runningReplies: 0,
  runningTools: 0,
  pendingPermissions: 0,
  ...overrides,
});

function request(id: string, display = 'ls -la', createdAt = 1): PermissionRequest {
  return {
    id,
    conversationId: `conv-${id}`,
    messageId: `msg-${id}`,
    toolCallId: `call-${id}`,
    tool: 'shell',
    args: { command: display },
    display,
    preview: null,
    workspace: '/tmp/ws',
    network: false,
    reason: null,
    risks: [],
    proposedPattern: `shell: ${display}`,
    why: 'no rule covers it',
    unsandboxed: false,
    createdAt,
  };
}

type MockedActions = { [K in keyof TrayActions]: Mock<TrayActions[K]> };

function actions(): MockedActions {
  return {
    open: vi.fn(),
    newChat: vi.fn(),
    quickPrompt: vi.fn(),
    respond: vi.fn(),
    showRequest: vi.fn(),
    respondProposal: vi.fn(),
    showProposal: vi.fn(),
    pause: vi.fn(),
    resume: vi.fn(),
    quit: vi.fn(),
  };
}

type Item = ReturnType<typeof trayMenuTemplate>[number];
const labels = (template: Item[]): (string | undefined)[] =>
  template.map((item) => (item.type === 'separator' ? '---' : item.label));
const find = (template: Item[], label: string): Item => template.find((item) => item.label === label)!;
const click = (item: Item): void => (item.click as () => void)();

describe('trayState and trayTooltip', () => {
  it('tells idle, working, needing permission and paused apart', () => {
    expect(trayState(status())).toBe('idle');
    expect(trayState(status({ runningReplies: 1 }))).toBe('working');
    expect(trayState(status({ runningTools: 2 }))).toBe('working');
    expect(trayState(status({ runningReplies: 1, pendingPermissions: 1 }))).toBe('needs-permission');
    expect(trayState(status({ paused: true }))).toBe('paused');
    expect(trayState(status({ paused: true, runningTools: 1 }))).toBe('paused');
  });

  it('puts a waiting request above pause: the agent stays stuck until the owner answers', () => {
    expect(trayState(status({ paused: true, pendingPermissions: 1 }))).toBe('needs-permission');
  });

  it('says the state in words', () => {
    expect(trayTooltip(status())).toBe('Cell 0 — idle');
    expect(trayTooltip(status({ runningReplies: 2, runningTools: 1 }))).toBe(
      'Cell 0 — working (2 replies, 1 tool)',
    );
    expect(trayTooltip(status({ runningTools: 3 }))).toBe('Cell 0 — working (3 tools)');
    expect(trayTooltip(status({ pendingPermissions: 1 }))).toBe('Cell 0 — needs your permission (1 request)');
    expect(trayTooltip(status({ paused: true }))).toBe('Cell 0 — agents paused');
  });

  it('picks template images on macOS and colour icons elsewhere', () => {
    expect(trayIconPath('/r/tray', 'working', 'darwin')).toBe('/r/tray/tray-workingTemplate.png');
    expect(trayIconPath('/r/tray', 'paused', 'linux')).toBe('/r/tray/tray-paused.png');
    expect(trayIconPath('/r/tray', 'needs-permission', 'win32')).toBe('/r/tray/tray-needs-permission.png');
  });
});

describe('trayMenuTemplate', () => {
  it('without pending requests: open, new chat, quick prompt, pause, quit', () => {
    const template = trayMenuTemplate(status(), [], actions());
    expect(labels(template)).toEqual([
      'Open Cell 0',
      'New chat',
      'Quick prompt…',
      '---',
      'Pause all agents',
      '---',
      'Quit Cell 0',
    ]);
  });

  it('offers resume instead of pause while paused, and each item does what it says', () => {
    const a = actions();
    const paused = trayMenuTemplate(status({ paused: true }), [], a);
    expect(labels(paused)).toContain('Resume all agents');
    expect(labels(paused)).not.toContain('Pause all agents');
    click(find(paused, 'Resume all agents'));
    click(find(paused, 'Open Cell 0'));
    click(find(paused, 'New chat'));
    click(find(paused, 'Quick prompt…'));
    click(find(paused, 'Quit Cell 0'));
    click(find(trayMenuTemplate(status(), [], a), 'Pause all agents'));
    for (const action of ['resume', 'open', 'newChat', 'quickPrompt', 'quit', 'pause'] as const) {
      expect(a[action], action).toHaveBeenCalledTimes(1);
    }
  });

  it('lists the waiting requests, each with allow once, deny and show in conversation', () => {
    const a = actions();
    const first = request('r1', 'git status');
    const template = trayMenuTemplate(status({ pendingPermissions: 2 }), [first, request('r2', 'rm x')], a);
    expect(labels(template)).toEqual([
      'Open Cell 0',
      'New chat',
      'Quick prompt…',
      '---',
      'Waiting for you (2)',
      'shell: git status',
      'shell: rm x',
      '---',
      'Pause all agents',
      '---',
      'Quit Cell 0',
    ]);
    expect(find(template, 'Waiting for you (2)').enabled).toBe(false);
    const submenu = find(template, 'shell: git status').submenu as Item[];
    expect(labels(submenu)).toEqual(['Allow once', 'Deny', '---', 'Show in conversation']);
    click(find(submenu, 'Allow once'));
    expect(a.respond).toHaveBeenLastCalledWith('r1', 'allow-once');
    click(find(submenu, 'Deny'));
    expect(a.respond).toHaveBeenLastCalledWith('r1', 'deny');
    click(find(submenu, 'Show in conversation'));
    expect(a.showRequest).toHaveBeenCalledWith(first);
  });

  it('offers allow once only for a sandboxed call whose whole command the label shows; otherwise only Show', () => {
    const a = actions();
    const cases: [string, PermissionRequest][] = [
      ['cut at the label', request('long', `echo ${'x'.repeat(60)}`)],
      ['several lines', request('lines', 'echo one⏎\nrm -rf build')],
      ['runs of spaces folded', request('spaces', 'echo  a')],
      ['unsandboxed', { ...request('bare', 'ls'), unsandboxed: true }],
      ['hosted in Cell 0', { ...request('memo', 'Ada likes tea'), tool: 'memory_save', workspace: null }],
      [
        'content to write',
        {
          ...request('write', '/w/plan.txt'),
          tool: 'write_file',
          preview: { kind: 'write', bytes: 4, lines: 1, text: 'plan' },
        },
      ],
    ];
    for (const [why, pending] of cases) {
      const template = trayMenuTemplate(status({ pendingPermissions: 1 }), [pending], a);
      const item = template.find((i) => i.submenu !== undefined)!;
      expect(labels(item.submenu as Item[]), why).toEqual(['Show in conversation']);
      click(find(item.submenu as Item[], 'Show in conversation'));
      expect(a.showRequest, why).toHaveBeenLastCalledWith(pending);
    }
    expect(a.respond).not.toHaveBeenCalled();
    const fits = request('fits', `echo ${'x'.repeat(48 - 'shell: echo '.length)}`);
    const item = trayMenuTemplate(status({ pendingPermissions: 1 }), [fits], a).find((i) => i.submenu)!;
    expect(labels(item.submenu as Item[])).toEqual(['Allow once', 'Deny', '---', 'Show in conversation']);
  });

  it('shortens long or multi-line commands to one line, and caps the list', () => {
    expect(requestLabel({ tool: 'shell', display: 'echo one\n  echo two' })).toBe('shell: echo one echo two');
    const long = requestLabel({ tool: 'shell', display: 'x'.repeat(200) });
    expect(long.length).toBe(48);
    expect(long.endsWith('…')).toBe(true);

    const many = Array.from({ length: MAX_LISTED_REQUESTS + 3 }, (_, i) => request(`r${i}`, `cmd ${i}`));
    const a = actions();
    const template = trayMenuTemplate(status({ pendingPermissions: many.length }), many, a);
    expect(template.filter((item) => item.submenu)).toHaveLength(MAX_LISTED_REQUESTS);
    click(find(template, '3 more in Cell 0…'));
    expect(a.open).toHaveBeenCalledTimes(1);
  });

  it("lists an agent's swarm proposals with the requests: start, decline, show in conversation", () => {
    const a = actions();
    const proposal = {
      id: 'p1',
      conversationId: 'conv-p',
      messageId: 'msg-p',
      task: 'Survey the libraries',
      reason: null,
      createdAt: 2,
    };
    const template = trayMenuTemplate(status({ pendingPermissions: 1 }), [request('r1', 'ls')], a, [
      proposal,
    ]);
    expect(labels(template).slice(3, 7)).toEqual([
      '---',
      'Waiting for you (2)',
      'swarm: Survey the libraries',
      'shell: ls',
    ]);
    const submenu = find(template, 'swarm: Survey the libraries').submenu as Item[];
    expect(labels(submenu)).toEqual(['Start swarm', 'Decline', '---', 'Show in conversation']);
    click(find(submenu, 'Start swarm'));
    expect(a.respondProposal).toHaveBeenLastCalledWith('p1', true);
    click(find(submenu, 'Decline'));
    expect(a.respondProposal).toHaveBeenLastCalledWith('p1', false);
    click(find(submenu, 'Show in conversation'));
    expect(a.showProposal).toHaveBeenCalledWith(proposal);
  });
});
