import type { Page } from '@playwright/test';
import { swarmResponder, type SwarmScript } from '../fixtures/swarm-script.js';
import { test, expect, connectProvider, lastReply, openApp, send, type Cell0Fixture } from './fixtures.js';

declare global {
  interface Window {
    /** The node's permission request and its Allow button the instant the node appeared. */
    nodeAllowAtFirst?: { armed: string | null; disabled: boolean | null };
  }
}

const words = (n: number, word: string) => Array.from({ length: n }, () => `${word} `);

/** The app with the fake provider connected, a new conversation open, and the fake answering as the script says. */
async function openWithSwarmScript(page: Page, cell0: Cell0Fixture, script: SwarmScript): Promise<void> {
  await openApp(page, cell0.serve.url);
  await connectProvider(page, cell0.fake);
  await page.getByTestId('new-conversation').click();
  cell0.fake.responder = swarmResponder(script).respond;
}

test('a swarm started with /swarm runs on the live graph, a worker stopped from its node ends stopped, the answer lands, and the run replays', async ({
  page,
  cell0,
}) => {
  await openWithSwarmScript(page, cell0, {
    plan: [
      { id: 'a', title: 'Gather A' },
      { id: 'b', title: 'Gather B' },
      { id: 'slow', title: 'Slow part' },
      { id: 'c', title: 'Compare', dependsOn: ['a', 'b'] },
    ],
    workers: {
      a: { replies: [{ tokens: ['Alpha ', 'facts.'] }] },
      b: { replies: [{ tokens: ['Beta ', 'facts.'] }] },
      // Long enough to be stopped from its node while it writes.
      slow: { replies: [{ tokens: words(400, 'slowly'), delayMs: 100 }] },
      c: { replies: [{ tokens: ['A beats B.'] }] },
    },
    merge: 'Final: A beats B.',
    delayMs: 40,
  });

  await send(page, '/swarm Compare A and B');

  // The host reply shows the run's card, and the inspector opens on its live graph.
  const card = page.getByTestId('swarm-card');
  await expect(card).toBeVisible();
  const graph = page.getByTestId('inspector-swarm').getByTestId('swarm-graph');
  const node = (title: string) =>
    graph.getByTestId('swarm-node').filter({ has: page.getByRole('button', { name: new RegExp(title) }) });
  await expect(node('Coordinator')).toBeVisible();
  await expect(node('Slow part')).toHaveAttribute('data-status', 'thinking');
  await expect(graph.getByTestId('swarm-node')).toHaveCount(5);

  // Stop one worker from its node: it ends stopped, the run goes on without it.
  await node('Slow part').getByTestId('swarm-node-stop').click();
  await expect(node('Slow part')).toHaveAttribute('data-status', 'stopped');
  await expect(node('Slow part').getByTestId('swarm-node-status')).toHaveText(/Stopped/);

  await expect(card).toHaveAttribute('data-status', 'done');
  await expect(lastReply(page)).toHaveAttribute('data-status', 'complete');
  await expect(lastReply(page)).toContainText('Final: A beats B.');
  await expect(graph.getByTestId('swarm-node')).toHaveCount(6); // the reviewer came last
  await expect(graph.locator('[data-testid="swarm-node"][data-status="done"]')).toHaveCount(5);
  await expect(card.getByTestId('swarm-card-progress')).toHaveText('6/6 agents done');

  // A past run, opened from the sidebar's swarms list.
  await page.getByTestId('nav-swarms').click();
  const row = page.getByTestId('swarm-run-row');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-status', 'done');
  await row.click();
  const run = page.getByTestId('swarm-run');
  const runGraph = run.getByTestId('swarm-graph');
  await expect(runGraph.getByTestId('swarm-node')).toHaveCount(6);
  await expect(run.getByTestId('swarm-run-status')).toHaveText(/Done/);

  // Clicking a node shows its transcript; the timeline says whom Compare waited on.
  await runGraph
    .getByTestId('swarm-node')
    .getByRole('button', { name: /Gather A/ })
    .click();
  await expect(run.getByTestId('swarm-agent-panel')).toBeVisible();
  await expect(run.getByTestId('swarm-agent-transcript')).toContainText('Alpha facts.');
  await expect(run.getByTestId('swarm-lane')).toHaveCount(6);
  const compareLane = run
    .getByTestId('swarm-lane')
    .filter({ has: page.getByRole('button', { name: 'Compare', exact: true }) });
  await expect(compareLane.getByTestId('swarm-waited-on')).toHaveText('← Gather A, Gather B');
  await page.keyboard.press('Escape');
  await expect(run.getByTestId('swarm-agent-panel')).toBeHidden();

  // Replay: the graph starts empty and rebuilds from the stored events, ending as the run did.
  await run.getByTestId('swarm-replay').click();
  await expect(run).toHaveAttribute('data-replaying', 'true');
  await run.getByTestId('swarm-replay-speed-16').click();
  await expect(run.getByTestId('swarm-replay-speed-16')).toHaveAttribute('aria-checked', 'true');
  await expect(run.getByTestId('swarm-replay-bar')).toHaveAttribute('data-finished', 'true', {
    timeout: 30_000,
  });
  await expect(runGraph.getByTestId('swarm-node')).toHaveCount(6);
  await expect(runGraph.locator('[data-testid="swarm-node"][data-status="done"]')).toHaveCount(5);
  await expect(runGraph.locator('[data-testid="swarm-node"][data-status="stopped"]')).toHaveCount(1);

  // Scrubbed back to the start, no agent has finished yet; restart plays it to the same end.
  await run.getByTestId('swarm-replay-scrub').focus();
  await page.keyboard.press('Home');
  await expect(runGraph.locator('[data-testid="swarm-node"][data-status="done"]')).toHaveCount(0);
  await run.getByTestId('swarm-replay-restart').click();
  await expect(run.getByTestId('swarm-replay-bar')).toHaveAttribute('data-finished', 'true', {
    timeout: 30_000,
  });
  await expect(runGraph.locator('[data-testid="swarm-node"][data-status="done"]')).toHaveCount(5);
  await run.getByTestId('swarm-replay-close').click();
  await expect(run).toHaveAttribute('data-replaying', 'false');
});

test("a worker's permission request shows on its node and as the conversation's card; allowing it on the node answers both", async ({
  page,
  cell0,
}) => {
  await openWithSwarmScript(page, cell0, {
    plan: [{ id: 'look', title: 'Look around', tools: ['shell'] }],
    workers: {
      look: {
        replies: [
          {
            tokens: ['Checking. '],
            toolCalls: [
              { name: 'shell', input: { command: 'echo swarm-was-here', reason: 'See the workspace' } },
            ],
          },
        ],
        afterTool: { tokens: ['It printed swarm-was-here.'] },
      },
    },
    merge: 'The worker ran echo.',
  });

  // What the node's Allow button said the instant the node appeared: not answerable yet.
  await page.evaluate(() => {
    new MutationObserver((_, observer) => {
      const allow = document.querySelector<HTMLButtonElement>('[data-testid="swarm-node-allow"]');
      if (!allow) return;
      observer.disconnect();
      const node = allow.closest('[data-testid="swarm-node-permission"]');
      window.nodeAllowAtFirst = { armed: node?.getAttribute('data-armed') ?? null, disabled: allow.disabled };
      // A click that lands the moment it appears allows nothing.
      allow.click();
    }).observe(document.body, { childList: true, subtree: true });
  });
  // The toggle, rather than the command, runs the message as a swarm.
  await page.getByTestId('composer-swarm-toggle').click();
  await expect(page.getByTestId('composer-swarm-toggle')).toHaveAttribute('aria-pressed', 'true');
  await send(page, 'Look around the workspace');

  const graph = page.getByTestId('inspector-swarm').getByTestId('swarm-graph');
  const worker = graph.locator('[data-testid="swarm-node"][data-role="worker"]');
  await expect(worker).toHaveAttribute('data-status', 'permission');
  await expect(worker.getByTestId('swarm-node-permission')).toContainText('echo swarm-was-here');
  const card = page.getByTestId('permission-card');
  await expect(card).toHaveAttribute('data-state', 'pending');
  await expect(card.getByTestId('permission-display')).toContainText('echo swarm-was-here');
  expect(await page.evaluate(() => window.nodeAllowAtFirst)).toEqual({ armed: 'false', disabled: true });
  // Armed once it has been on screen for a moment; the early click answered nothing.
  await expect(worker.getByTestId('swarm-node-permission')).toHaveAttribute('data-armed', 'true');
  await expect(card).toHaveAttribute('data-state', 'pending');

  await worker.getByTestId('swarm-node-allow').click();
  await expect(card).toHaveAttribute('data-state', 'allowed');
  await expect(worker).toHaveAttribute('data-status', 'done');
  await expect(worker.getByTestId('swarm-node-permission')).toHaveCount(0);
  await expect(page.getByTestId('swarm-card')).toHaveAttribute('data-status', 'done');
  await expect(lastReply(page)).toContainText('The worker ran echo.');
  await expect(page.getByTestId('composer-swarm-toggle')).toHaveAttribute('aria-pressed', 'false');

  // The node's panel lists the call with its final state.
  await worker
    .getByRole('button', { name: /Look around/ })
    .first()
    .click();
  await expect(page.getByTestId('swarm-agent-tool')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('swarm-agent-transcript')).toContainText('It printed swarm-was-here.');
});

test('an agent proposes a swarm: the card shows its task and its reason as untrusted text; Start swarm runs it in that reply', async ({
  page,
  cell0,
}) => {
  await openWithSwarmScript(page, cell0, {
    plan: [{ id: 'one', title: 'Survey' }],
    workers: { one: { replies: [{ tokens: ['Surveyed.'] }] } },
    merge: 'Survey merged.',
  });
  cell0.fake.script(
    {
      tokens: ['This is big. '],
      toolCalls: [
        {
          name: 'propose_swarm',
          input: { task: 'Survey the market', reason: '<b>Trust me</b>, it is faster' },
        },
      ],
    },
    { tokens: ['The swarm found: Survey merged.'] },
  );
  await send(page, 'Research the market');

  const proposal = page.getByTestId('swarm-proposal');
  await expect(proposal).toContainText('Survey the market');
  // Shown as the model's words, literally: no markup is rendered from it.
  await expect(proposal).toContainText('<b>Trust me</b>, it is faster');
  await expect(proposal).toContainText('written by the model');
  await proposal.getByTestId('swarm-proposal-start').click();
  await expect(proposal).toHaveCount(0);

  const card = lastReply(page).getByTestId('swarm-card');
  await expect(card).toHaveAttribute('data-status', 'done');
  await expect(lastReply(page)).toContainText('The swarm found: Survey merged.');
});

test('Pause holds the swarm before its next model call, Resume lets it finish, and Stop swarm ends a run with what finished', async ({
  page,
  cell0,
}) => {
  await openWithSwarmScript(page, cell0, {
    plan: [
      { id: 'first', title: 'First step' },
      { id: 'second', title: 'Second step', dependsOn: ['first'] },
    ],
    workers: {
      first: { replies: [{ tokens: words(50, 'one'), delayMs: 30 }] },
      second: { replies: [{ tokens: ['Two.'] }] },
    },
    merge: 'Both steps done.',
  });
  await send(page, '/swarm Do two steps');
  await page.getByTestId('swarm-card-open').click();
  const header = page.getByTestId('swarm-run-header');
  const run = page.getByTestId('swarm-run');
  const node = (title: string) =>
    run.getByTestId('swarm-node').filter({ has: page.getByRole('button', { name: new RegExp(title) }) });
  // From the run's full view back to its conversation, through the sidebar's row.
  const backToConversation = () =>
    page
      .getByTestId('conversation-item')
      .filter({ hasText: 'Do two steps' })
      .getByRole('button')
      .first()
      .click();
  await expect(node('First step')).toHaveAttribute('data-status', 'thinking');

  await header.getByRole('button', { name: 'Pause' }).click();
  await expect(header).toHaveAttribute('data-status', 'paused');
  // The first step finishes its answer; the second does not start while paused.
  await expect(node('First step')).toHaveAttribute('data-status', 'done');
  await expect(node('Second step')).toHaveAttribute('data-status', 'waiting');
  expect(cell0.fake.requests.some((r) => JSON.stringify(r.body).includes('Subtask id: second.'))).toBe(false);

  await header.getByRole('button', { name: 'Resume' }).click();
  await expect(header).toHaveAttribute('data-status', 'done');
  await expect(node('Second step')).toHaveAttribute('data-status', 'done');

  // A second run, stopped from its header: the message keeps what the workers finished.
  await backToConversation();
  cell0.fake.responder = swarmResponder({
    plan: [
      { id: 'quick', title: 'Quick step' },
      { id: 'endless', title: 'Endless step', dependsOn: ['quick'] },
    ],
    workers: {
      quick: { replies: [{ tokens: ['Quick result.'] }] },
      endless: { replies: [{ tokens: words(400, 'more'), delayMs: 50 }] },
    },
  }).respond;
  await send(page, '/swarm Do it again');
  await expect(page.getByTestId('swarm-card')).toHaveCount(2);
  await page.getByTestId('swarm-card').nth(1).getByTestId('swarm-card-open').click();
  await expect(node('Endless step')).toHaveAttribute('data-status', 'thinking');
  await page.getByTestId('swarm-run-header').getByTestId('swarm-stop').click();
  await expect(page.getByTestId('swarm-run-header')).toHaveAttribute('data-status', 'stopped');
  await expect(node('Endless step')).toHaveAttribute('data-status', 'stopped');
  await backToConversation();
  await expect(lastReply(page)).toHaveAttribute('data-status', 'stopped');
  await expect(lastReply(page)).toContainText('The swarm was stopped.');
  await expect(lastReply(page)).toContainText('Quick result.');
});
